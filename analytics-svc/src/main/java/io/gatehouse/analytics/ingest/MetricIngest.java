package io.gatehouse.analytics.ingest;

import io.gatehouse.analytics.ingest.BatchStore.Outcome;
import io.gatehouse.analytics.rollup.RollupRow;
import io.gatehouse.analytics.rollup.RollupStore;
import io.gatehouse.analytics.rollup.RowAccumulator;
import io.gatehouse.api.analytics.v1.MetricBatch;
import io.gatehouse.common.Periodic;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metric batches folded into the rollups as they arrive, and written in groups: every {@code
 * interval} one transaction records the group's batch ids and adds its rows to every level, and
 * only then are its batches acknowledged. So an acknowledged batch is counted, and counted once; a
 * batch whose group could not be written is not acknowledged (its stream ends and the engine sends
 * it again); a batch that is stored already, or that waits in a group not written yet, is answered
 * as a duplicate. Writers of several replicas take turns (a transaction advisory lock); a group
 * that holds a batch another replica wrote meanwhile is refused whole, and its engines send it
 * again.
 *
 * <p>Nothing of a batch goes to the database but its figures, merged: the histograms are read once,
 * on the thread that received them, and each row is written once per group.
 */
public final class MetricIngest implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricIngest.class);
  private static final long WRITE_LOCK = 0x616e616c_726f6c6cL; // "analroll"

  /** A group was not written because another replica had written one of its batches. */
  static final class StoredElsewhere extends SQLException {
    StoredElsewhere(int batches) {
      super(
          batches
              + " batch(es) of the group were stored meanwhile through another replica;"
              + " the group is sent again");
    }
  }

  private record BatchKey(String seId, long batchId) {}

  /** The batches folded since the last write, with the answers they wait for. */
  private static final class Group {
    final RowAccumulator rows = new RowAccumulator(Runtime.getRuntime().availableProcessors());
    final Map<BatchKey, CompletableFuture<Outcome>> batches = new ConcurrentHashMap<>();
  }

  private final DataSource dataSource;
  private final Clock clock;

  /** Folds share it; taking the group to write waits for the folds in progress. */
  private final ReadWriteLock turn = new ReentrantReadWriteLock();

  private Group current = new Group(); // guarded by turn

  /** Every batch folded and not yet written, whatever its group. */
  private final Map<BatchKey, CompletableFuture<Outcome>> unwritten = new ConcurrentHashMap<>();

  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "rollup-writer");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong mergedIntervals = new AtomicLong();
  private volatile Instant lastSuccess;

  public MetricIngest(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Writes the group every {@code interval}. */
  public MetricIngest start(Duration interval) {
    executor.scheduleWithFixedDelay(
        Periodic.guarded(
            log,
            "writing the rollups failed; the group's engines send its batches again",
            this::writeGroup),
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * Folds engine {@code seId}'s batch into the group; the answer completes when the group is
   * written (or at once for a batch stored already), and fails when it cannot be.
   */
  public CompletableFuture<Outcome> submit(String seId, MetricBatch batch) {
    BatchKey key = new BatchKey(seId, batch.getBatchId());
    CompletableFuture<Outcome> answer = new CompletableFuture<>();
    CompletableFuture<Outcome> earlier = unwritten.putIfAbsent(key, answer);
    if (earlier != null) {
      return earlier.thenApply(outcome -> Outcome.DUPLICATE); // sent again before it was written
    }
    try {
      if (stored(key)) {
        unwritten.remove(key, answer);
        return CompletableFuture.completedFuture(Outcome.DUPLICATE);
      }
    } catch (SQLException | RuntimeException e) {
      unwritten.remove(key, answer);
      return CompletableFuture.failedFuture(e);
    }
    List<String> unreadable;
    turn.readLock().lock();
    try {
      unreadable = current.rows.fold(seId, batch);
      current.batches.put(key, answer);
      // an engine without credits folds intervals into one batch: the sign that analytics lags
      mergedIntervals.addAndGet(
          Math.min(Integer.toUnsignedLong(batch.getEngine().getMergedIntervals()), 1_000_000));
    } catch (RuntimeException e) {
      // a fault of ours, not of the batch (unreadable figures are left out): never leave the
      // engine waiting for an answer that cannot come
      unwritten.remove(key, answer);
      log.error("engine {}: batch {} could not be folded", seId, batch.getBatchId(), e);
      return CompletableFuture.failedFuture(e);
    } finally {
      turn.readLock().unlock();
    }
    if (!unreadable.isEmpty()) {
      log.warn(
          "engine {}: batch {}: {} timing histogram(s) are not HdrHistograms and were left out"
              + " (the rest counts): {}",
          seId,
          batch.getBatchId(),
          unreadable.size(),
          unreadable.size() > 3 ? unreadable.subList(0, 3) + " ..." : unreadable);
    }
    return answer;
  }

  /** Writes the batches folded so far, in one transaction, and answers them. */
  public void writeGroup() throws SQLException {
    Group group;
    turn.writeLock().lock();
    try {
      group = current;
      current = new Group();
    } finally {
      turn.writeLock().unlock();
    }
    if (group.batches.isEmpty()) {
      lastSuccess = clock.instant(); // nothing waits: the rollups are up to date
      return;
    }
    try {
      write(group);
    } catch (SQLException | RuntimeException | AssertionError e) {
      failures.incrementAndGet();
      answer(group, e);
      throw e;
    }
    written.addAndGet(group.batches.size());
    lastSuccess = clock.instant();
    answer(group, null);
  }

  private void write(Group group) throws SQLException {
    Map<RollupStore.Key, RollupRow> rows = group.rows.rows();
    int n = group.batches.size();
    String[] engines = new String[n];
    Long[] ids = new Long[n];
    int i = 0;
    for (BatchKey key : group.batches.keySet()) {
      engines[i] = key.seId();
      ids[i] = key.batchId();
      i++;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (Statement st = c.createStatement()) {
          st.execute("SELECT pg_advisory_xact_lock(" + WRITE_LOCK + ")");
        }
        try (PreparedStatement st =
            c.prepareStatement(
                "INSERT INTO ingested_batch (se_id, kind, batch_id)"
                    + " SELECT se_id, 'm', batch_id FROM unnest(?::text[], ?::int8[])"
                    + " AS k(se_id, batch_id) ON CONFLICT DO NOTHING")) {
          st.setArray(1, c.createArrayOf("text", engines));
          st.setArray(2, c.createArrayOf("int8", ids));
          int inserted = st.executeUpdate();
          if (inserted < n) {
            throw new StoredElsewhere(n - inserted);
          }
        }
        RollupStore.add(c, rows);
        c.commit();
      } catch (SQLException | RuntimeException | AssertionError e) {
        c.rollback();
        throw e;
      }
    }
  }

  private void answer(Group group, Throwable failure) {
    group.batches.forEach(
        (key, answer) -> {
          unwritten.remove(key, answer);
          if (failure == null) {
            answer.complete(Outcome.STORED);
          } else {
            answer.completeExceptionally(failure);
          }
        });
  }

  private boolean stored(BatchKey key) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT 1 FROM ingested_batch WHERE se_id = ? AND kind = 'm' AND batch_id = ?")) {
      st.setString(1, key.seId());
      st.setLong(2, key.batchId());
      try (ResultSet rs = st.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Batches written to the rollups since the start. */
  public long written() {
    return written.get();
  }

  /**
   * Metric intervals engines merged into the batches taken since the start, for want of credits
   * (each merged batch counted once, however often it is sent).
   */
  public long mergedIntervals() {
    return mergedIntervals.get();
  }

  /** Group writes that failed (their batches are sent again) since the start. */
  public long failures() {
    return failures.get();
  }

  /** When the last group was written; null before the first. */
  public Instant lastSuccess() {
    return lastSuccess;
  }

  /** Writes what is folded (its engines need not send it again), then stops. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (executor.awaitTermination(10, TimeUnit.SECONDS)) {
        writeGroup();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      log.warn("the last rollups could not be written; their engines send them again: {}", e);
    }
  }
}
