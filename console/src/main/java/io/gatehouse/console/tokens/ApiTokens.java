package io.gatehouse.console.tokens;

import io.gatehouse.console.accounts.Role;
import io.gatehouse.console.auth.Caller;
import io.gatehouse.console.auth.Secrets;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * API tokens, for automation: each belongs to an account and acts with its role. A token is shown
 * once, when it is made, and kept only as its SHA-256; a revoked token stops working at once.
 */
@Singleton
public final class ApiTokens {
  /** What every token starts with, so a leaked one is recognisable (and scannable) as ours. */
  static final String PREFIX = "ghc_";

  private static final int MAX_PER_ACCOUNT = 100;

  private final DataSource db;

  ApiTokens(DataSource db) {
    this.db = db;
  }

  /** A token as listed: never its value. */
  public record Listed(String id, String name, Instant createdAt, Instant revokedAt) {}

  /** A token just made: the only time its value is seen. */
  public record Made(String id, String name, String token) {}

  /** A new token of {@code account}; null when the account has as many as it may. */
  public Made create(String account, String name) {
    String id = Secrets.random(9);
    String token = PREFIX + Secrets.random(32);
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO api_token (id, account, name, token_hash)"
                    + " SELECT ?, ?, ?, ? WHERE (SELECT count(*) FROM api_token"
                    + " WHERE account = ? AND revoked_at IS NULL) < ?")) {
      s.setString(1, id);
      s.setString(2, account);
      s.setString(3, name);
      s.setBytes(4, Secrets.sha256(token));
      s.setString(5, account);
      s.setInt(6, MAX_PER_ACCOUNT);
      return s.executeUpdate() == 1 ? new Made(id, name, token) : null;
    } catch (SQLException e) {
      throw new IllegalStateException("could not make a token for " + account, e);
    }
  }

  public List<Listed> list(String account) {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, name, created_at, revoked_at FROM api_token WHERE account = ?"
                    + " ORDER BY created_at, id LIMIT 1000")) {
      s.setString(1, account);
      try (ResultSet r = s.executeQuery()) {
        List<Listed> listed = new ArrayList<>();
        while (r.next()) {
          java.sql.Timestamp revoked = r.getTimestamp("revoked_at");
          listed.add(
              new Listed(
                  r.getString("id"),
                  r.getString("name"),
                  r.getTimestamp("created_at").toInstant(),
                  revoked == null ? null : revoked.toInstant()));
        }
        return listed;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not list the tokens of " + account, e);
    }
  }

  /** Revokes token {@code id} of {@code account}; false when it has no such token in use. */
  public boolean revoke(String account, String id) {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE api_token SET revoked_at = now()"
                    + " WHERE id = ? AND account = ? AND revoked_at IS NULL")) {
      s.setString(1, id);
      s.setString(2, account);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new IllegalStateException("could not revoke a token of " + account, e);
    }
  }

  /** Who {@code token} acts for; null when it is unknown or revoked. */
  public Caller find(String token) {
    if (!token.startsWith(PREFIX)) {
      return null;
    }
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT t.account, a.role FROM api_token t JOIN account a ON a.name = t.account"
                    + " WHERE t.token_hash = ? AND t.revoked_at IS NULL")) {
      s.setBytes(1, Secrets.sha256(token));
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? new Caller(r.getString("account"), Role.of(r.getString("role")), null)
            : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read a token", e);
    }
  }
}
