package io.gatehouse.console.session;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.sql.DataSource;

/**
 * Failed logins, counted per account and per client address: after {@code max-failures} either is
 * locked out, a right password included, until {@code lockout} passes without another failure.
 * Counting by address too stops one address trying many accounts; by account, many addresses trying
 * one. The counts are in the console's database, so every replica holds the same lock-outs; rows
 * older than the lock-out time are removed as failures come, which keeps the table bounded.
 */
@Singleton
public final class LoginLimiter {
  private static final String ACCOUNT = "account";
  private static final String ADDRESS = "address";
  private static final int MAX_KEY = 64; // an account name's longest

  private final DataSource db;
  private final Clock clock;
  private final int maxFailures;
  private final int maxPerAddress;
  private final Duration lockout;

  public LoginLimiter(
      DataSource db,
      @Value("${gatehouse.console.login.max-failures}") int maxFailures,
      @Value("${gatehouse.console.login.max-failures-per-address}") int maxPerAddress,
      @Value("${gatehouse.console.login.lockout}") Duration lockout) {
    this(db, Clock.systemUTC(), maxFailures, maxPerAddress, lockout);
  }

  LoginLimiter(DataSource db, Clock clock, int maxFailures, int maxPerAddress, Duration lockout) {
    this.db = db;
    this.clock = clock;
    this.maxFailures = maxFailures;
    this.maxPerAddress = maxPerAddress;
    this.lockout = lockout;
  }

  /** How long a lock-out lasts at most, for Retry-After. */
  public Duration lockout() {
    return lockout;
  }

  /** Whether logins to {@code account} or from {@code address} are locked out now. */
  public boolean locked(String account, String address) {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT kind, failures FROM login_failure"
                    + " WHERE last_at > ? AND ((kind = ? AND key = ?) OR (kind = ? AND key = ?))")) {
      s.setTimestamp(1, Timestamp.from(clock.instant().minus(lockout)));
      s.setString(2, ACCOUNT);
      s.setString(3, key(account));
      s.setString(4, ADDRESS);
      s.setString(5, address);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          int limit = r.getString(1).equals(ACCOUNT) ? maxFailures : maxPerAddress;
          if (r.getInt(2) >= limit) {
            return true;
          }
        }
      }
      return false;
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the failed logins", e);
    }
  }

  public void failed(String account, String address) {
    Instant now = clock.instant();
    Timestamp expired = Timestamp.from(now.minus(lockout));
    try (Connection c = db.getConnection()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO login_failure (kind, key, failures, last_at) VALUES (?, ?, 1, ?)"
                  + " ON CONFLICT (kind, key) DO UPDATE SET last_at = EXCLUDED.last_at,"
                  + " failures = CASE WHEN login_failure.last_at > ?"
                  + " THEN login_failure.failures + 1 ELSE 1 END")) {
        for (String[] row : new String[][] {{ACCOUNT, key(account)}, {ADDRESS, address}}) {
          s.setString(1, row[0]);
          s.setString(2, row[1]);
          s.setTimestamp(3, Timestamp.from(now));
          s.setTimestamp(4, expired);
          s.addBatch();
        }
        s.executeBatch();
      }
      try (PreparedStatement s =
          c.prepareStatement("DELETE FROM login_failure WHERE last_at <= ?")) {
        s.setTimestamp(1, expired);
        s.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not record a failed login", e);
    }
  }

  /**
   * The row key of a tried account name: the name, or for a name longer than any account's (up to a
   * request body's size, from anyone) its SHA-256, so that it fits an index entry.
   */
  private static String key(String account) {
    if (account.length() <= MAX_KEY) {
      return account;
    }
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(account.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A login that succeeded clears its account's failures (not its address's). */
  public void succeeded(String account) {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement("DELETE FROM login_failure WHERE kind = ? AND key = ?")) {
      s.setString(1, ACCOUNT);
      s.setString(2, key(account));
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("could not clear the failed logins of " + account, e);
    }
  }
}
