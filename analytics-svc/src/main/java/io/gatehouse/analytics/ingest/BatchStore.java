package io.gatehouse.analytics.ingest;

import io.gatehouse.analytics.logs.LogStore;
import io.gatehouse.api.analytics.v1.LogBatch;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Stores client log batches durably, once: a batch id an engine already sent is recognised (the
 * engine resends what was not acknowledged after a reconnect) and not stored again. The logs go
 * straight into their partitions. (Metric batches go through {@link MetricIngest}.)
 */
@Singleton
public final class BatchStore {
  /** What storing a batch did. */
  public enum Outcome {
    STORED,
    DUPLICATE
  }

  private final DataSource dataSource;
  private final LogStore logs;

  public BatchStore(DataSource dataSource, LogStore logs) {
    this.dataSource = dataSource;
    this.logs = logs;
  }

  /** Stores a client log batch of engine {@code seId}. */
  public Outcome logs(String seId, LogBatch batch) throws SQLException {
    return once(seId, 'l', batch.getBatchId(), c -> logs.copy(c, seId, batch.getLogsList()));
  }

  private interface Write {
    void run(Connection c) throws SQLException;
  }

  private Outcome once(String seId, char kind, long batchId, Write write) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement st =
            c.prepareStatement(
                "INSERT INTO ingested_batch (se_id, kind, batch_id) VALUES (?, ?, ?)"
                    + " ON CONFLICT DO NOTHING")) {
          st.setString(1, seId);
          st.setString(2, String.valueOf(kind));
          st.setLong(3, batchId);
          if (st.executeUpdate() == 0) {
            c.rollback();
            return Outcome.DUPLICATE;
          }
        }
        write.run(c);
        c.commit();
        return Outcome.STORED;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Forgets batch ids older than a day (engines resend within minutes). */
  public int pruneIds() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement st =
            c.prepareStatement(
                "DELETE FROM ingested_batch WHERE received_at < now() - interval '1 day'")) {
      return st.executeUpdate();
    }
  }
}
