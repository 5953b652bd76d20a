package io.gatehouse.console.session;

import io.gatehouse.console.accounts.Role;
import io.gatehouse.console.auth.Caller;
import io.gatehouse.console.auth.Secrets;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Browser sessions: a random token in an HttpOnly cookie (kept here only as its SHA-256) and a CSRF
 * token the page sends back on every write. A session ends at logout, or after its idle timeout.
 */
@Singleton
public final class Sessions {
  /** The session cookie's name. */
  public static final String COOKIE = "gatehouse_session";

  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private final DataSource db;
  private final Duration idleTimeout;

  Sessions(DataSource db, @Value("${gatehouse.console.session.idle-timeout}") Duration idle) {
    this.db = db;
    this.idleTimeout = idle;
  }

  /** A new session's token (for the cookie) and CSRF token (for the page). */
  public record Opened(String token, String csrf) {}

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Opened open(String account) {
    Opened opened = new Opened(Secrets.random(32), Secrets.random(32));
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO session (token_hash, account, csrf_token) VALUES (?, ?, ?)")) {
      s.setBytes(1, Secrets.sha256(opened.token()));
      s.setString(2, account);
      s.setString(3, opened.csrf());
      s.executeUpdate();
      return opened;
    } catch (SQLException e) {
      throw new IllegalStateException("could not open a session for " + account, e);
    }
  }

  /** Who holds the session {@code token}; null when it is unknown, ended or idle too long. */
  public Caller find(String token) {
    byte[] hash = Secrets.sha256(token);
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT s.account, a.role, s.csrf_token, s.last_seen FROM session s"
                    + " JOIN account a ON a.name = s.account WHERE s.token_hash = ?")) {
      s.setBytes(1, hash);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        Instant lastSeen = r.getTimestamp("last_seen").toInstant();
        Instant now = Instant.now();
        if (lastSeen.plus(idleTimeout).isBefore(now)) {
          close(c, hash);
          return null;
        }
        if (lastSeen.plus(TOUCH_EVERY).isBefore(now)) {
          touch(c, hash, now);
        }
        return new Caller(
            r.getString("account"), Role.of(r.getString("role")), r.getString("csrf_token"));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read a session", e);
    }
  }

  /** Ends the session {@code token} (nothing when there is none). */
  public void close(String token) {
    try (Connection c = db.getConnection()) {
      close(c, Secrets.sha256(token));
    } catch (SQLException e) {
      throw new IllegalStateException("could not end a session", e);
    }
  }

  private static void close(Connection c, byte[] hash) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM session WHERE token_hash = ?")) {
      s.setBytes(1, hash);
      s.executeUpdate();
    }
  }

  private static void touch(Connection c, byte[] hash, Instant now) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("UPDATE session SET last_seen = ? WHERE token_hash = ?")) {
      s.setTimestamp(1, Timestamp.from(now));
      s.setBytes(2, hash);
      s.executeUpdate();
    }
  }
}
