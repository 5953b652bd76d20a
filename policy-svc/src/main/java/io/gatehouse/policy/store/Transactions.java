package io.gatehouse.policy.store;

import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Runs work in database transactions. Write transactions first take one transaction-level advisory
 * lock, so they commit one at a time in the order they took their revisions: the change log never
 * has a gap a reader could skip past, and checks such as VIP uniqueness need no retry loop.
 */
@Singleton
public final class Transactions {
  /** Advisory lock key of the policy writers ("gatehous" in ASCII). */
  static final long WRITE_LOCK = 0x67617465_686f7573L;

  /** Work inside a transaction. */
  @FunctionalInterface
  public interface Work<R> {
    R run(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;

  public Transactions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs {@code work} as the only writer, and commits. */
  public <R> R write(Work<R> work) {
    return run(
        Connection.TRANSACTION_READ_COMMITTED,
        false,
        connection -> {
          try (Statement st = connection.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + WRITE_LOCK + ")");
          }
          return work.run(connection);
        });
  }

  /** Runs {@code work} on one consistent snapshot (several statements see the same data). */
  public <R> R readSnapshot(Work<R> work) {
    return run(Connection.TRANSACTION_REPEATABLE_READ, true, work);
  }

  /** Runs a single-statement read. */
  public <R> R read(Work<R> work) {
    return run(Connection.TRANSACTION_READ_COMMITTED, true, work);
  }

  private <R> R run(int isolation, boolean readOnly, Work<R> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(isolation);
      connection.setReadOnly(readOnly);
      try {
        R result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection, e);
        throw e;
      } finally {
        connection.setReadOnly(false);
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  private static void rollbackQuietly(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
