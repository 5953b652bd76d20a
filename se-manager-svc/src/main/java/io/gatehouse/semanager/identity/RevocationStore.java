package io.gatehouse.semanager.identity;

import io.gatehouse.common.identity.Revocations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The revocations in force, as the inventory records them when an engine is decommissioned. A
 * revocation older than the longest per-engine credential lifetime covers only expired credentials
 * and is dropped when the list is read.
 */
public final class RevocationStore {
  private final DataSource dataSource;
  private final Duration keep;

  /**
   * @param keep how long a revocation matters: the longest lifetime of a credential naming one
   *     engine (deploy or session)
   */
  public RevocationStore(DataSource dataSource, Duration keep) {
    this.dataSource = dataSource;
    this.keep = keep;
  }

  /** Every revocation in force. */
  public Revocations read() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement prune =
          c.prepareStatement("DELETE FROM engine_revocation WHERE revoked_before < ?")) {
        prune.setTimestamp(1, Timestamp.from(Instant.now().minus(keep)));
        prune.executeUpdate();
      }
      Map<String, Instant> revoked = new HashMap<>();
      try (PreparedStatement st =
              c.prepareStatement("SELECT se_id, revoked_before FROM engine_revocation");
          ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          revoked.put(rs.getString(1), rs.getTimestamp(2).toInstant());
        }
      }
      return new Revocations(revoked);
    }
  }
}
