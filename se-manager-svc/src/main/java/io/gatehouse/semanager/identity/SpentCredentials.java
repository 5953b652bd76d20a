package io.gatehouse.semanager.identity;

import io.gatehouse.common.identity.EngineIdentity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The enrollment credentials already used ({@link EngineIdentity.Use#ENROLL}): the first stream a
 * credential opens spends it, in the database, so that no other stream (through this manager or
 * another replica) opens with it again. Expired ones are forgotten.
 */
public final class SpentCredentials {
  private final DataSource dataSource;

  public SpentCredentials(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Spends {@code identity}'s credential: true the first time, false when it was spent before. */
  public boolean spend(EngineIdentity identity) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement prune =
          c.prepareStatement("DELETE FROM spent_credential WHERE expires_at < ?")) {
        prune.setTimestamp(1, Timestamp.from(Instant.now()));
        prune.executeUpdate();
      }
      try (PreparedStatement st =
          c.prepareStatement(
              "INSERT INTO spent_credential (credential_id, expires_at) VALUES (?, ?)"
                  + " ON CONFLICT (credential_id) DO NOTHING")) {
        st.setString(1, identity.credentialId());
        st.setTimestamp(2, Timestamp.from(identity.expiresAt()));
        return st.executeUpdate() == 1;
      }
    }
  }
}
