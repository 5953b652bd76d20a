package io.gatehouse.analytics.rollup;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gatehouse.api.analytics.v1.MetricBatch;
import io.gatehouse.api.analytics.v1.PoolMemberMetrics;
import io.gatehouse.api.analytics.v1.VirtualServiceMetrics;
import io.gatehouse.common.Periodic;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds stored metric batches into the rollups: in one transaction it takes pending batches, merges
 * them into 5 s rows (decoding each histogram once), merges those into the 1 min, 1 h and 1 day
 * rows, writes every touched row, and deletes the batches; a crash at any point leaves each batch
 * counted exactly once. Rollers of several replicas take turns (a transaction advisory lock). Also
 * prunes rows past their level's retention.
 */
public final class Roller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Roller.class);
  private static final long ROLL_LOCK = 0x616e616c_726f6c6cL; // "analroll"
  private static final int BATCHES_PER_TRANSACTION = 200;

  private final DataSource dataSource;
  private final Clock clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "roller");
            t.setDaemon(true);
            return t;
          });

  private final AtomicLong rolled = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile Instant lastSuccess;

  public Roller(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Rolls every {@code interval} and prunes every minute. */
  public Roller start(Duration interval) {
    executor.scheduleWithFixedDelay(
        Periodic.guarded(
            log,
            "rolling up failed; the batches stay pending and are tried again",
            () -> {
              try {
                rolled.addAndGet(rollPending());
                lastSuccess = clock.instant();
              } catch (Exception | AssertionError e) {
                failures.incrementAndGet();
                throw e;
              }
            }),
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(
        Periodic.guarded(
            log,
            "pruning rollups failed; tried again in a minute",
            () -> {
              try (Connection c = dataSource.getConnection()) {
                int pruned = RollupStore.prune(c, clock.instant());
                if (pruned > 0) {
                  log.debug("pruned {} rollup rows past retention", pruned);
                }
              }
            }),
        1,
        1,
        TimeUnit.MINUTES);
    return this;
  }

  /** Rolls up every pending batch now; returns how many. */
  public int rollPending() throws SQLException {
    int total = 0;
    int rolled;
    do {
      rolled = rollOnce();
      total += rolled;
    } while (rolled == BATCHES_PER_TRANSACTION);
    return total;
  }

  private int rollOnce() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (Statement st = c.createStatement()) {
          st.execute("SELECT pg_advisory_xact_lock(" + ROLL_LOCK + ")");
        }
        List<Long> ids = new ArrayList<>();
        List<String> engines = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        try (PreparedStatement st =
            c.prepareStatement(
                "SELECT id, se_id, payload FROM pending_metrics ORDER BY id LIMIT ?"
                    + " FOR UPDATE SKIP LOCKED")) {
          st.setInt(1, BATCHES_PER_TRANSACTION);
          // prepared on the server at once, so the payloads come as bytes, not as hex text
          st.unwrap(PGStatement.class).setPrepareThreshold(1);
          try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getLong(1));
              engines.add(rs.getString(2));
              payloads.add(rs.getBytes(3));
            }
          }
        }
        if (ids.isEmpty()) {
          c.rollback();
          return 0;
        }
        Map<RollupStore.Key, RollupRow> fine = foldAll(ids, engines, payloads);
        // each level from the one below it: a coarse row made of a single finer row is that row
        // itself (the store does not change it), so a subject's one new row usually serves all
        RollupStore.add(c, fine);
        Map<RollupStore.Key, RollupRow> finer = fine;
        for (Level level : List.of(Level.ONE_MINUTE, Level.ONE_HOUR, Level.ONE_DAY)) {
          Map<RollupStore.Key, RollupRow> coarse = new HashMap<>();
          finer.forEach(
              (key, row) ->
                  coarse.merge(
                      new RollupStore.Key(level, key.subject(), level.bucket(key.bucket())),
                      row,
                      RollupRow::sum));
          RollupStore.add(c, coarse);
          finer = coarse;
        }
        try (PreparedStatement st =
            c.prepareStatement("DELETE FROM pending_metrics WHERE id = ANY (?)")) {
          st.setArray(1, c.createArrayOf("int8", ids.toArray()));
          st.executeUpdate();
        }
        c.commit();
        return ids.size();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Folds the batches into 5 s rows on every core (decoding histograms is most of the work): each
   * worker folds its share into rows of its own, and the shares are merged at the end.
   */
  private static Map<RollupStore.Key, RollupRow> foldAll(
      List<Long> ids, List<String> engines, List<byte[]> payloads) {
    int workers = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), ids.size()));
    List<Map<RollupStore.Key, RollupRow>> shares =
        java.util.stream.IntStream.range(0, workers)
            .parallel()
            .mapToObj(
                w -> {
                  Map<RollupStore.Key, RollupRow> share = new HashMap<>();
                  for (int i = w; i < ids.size(); i += workers) {
                    try {
                      fold(engines.get(i), parse(payloads.get(i)), share);
                    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
                      log.warn(
                          "dropping an unreadable pending batch {}: {}",
                          ids.get(i),
                          e.getMessage());
                    }
                  }
                  share.values().forEach(RollupRow::settle); // the bucket sums become histograms
                  return share;
                })
            .toList();
    Map<RollupStore.Key, RollupRow> fine = new HashMap<>(shares.get(0));
    for (int w = 1; w < shares.size(); w++) {
      shares
          .get(w)
          .forEach(
              (key, row) -> {
                RollupRow mine = fine.get(key);
                if (mine == null) {
                  fine.put(key, row);
                } else {
                  mine.add(row);
                }
              });
    }
    return fine;
  }

  /** A stored batch whose histograms share the payload's bytes instead of copying them. */
  private static MetricBatch parse(byte[] payload) throws InvalidProtocolBufferException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload);
      in.enableAliasing(true);
      return MetricBatch.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (java.io.IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }

  /** Adds one engine's batch to the 5 s rows (their timings gathered until settled). */
  private static void fold(String seId, MetricBatch batch, Map<RollupStore.Key, RollupRow> rows) {
    Instant start =
        Instant.ofEpochSecond(batch.getStartTime().getSeconds(), batch.getStartTime().getNanos());
    Instant end =
        Instant.ofEpochSecond(batch.getEndTime().getSeconds(), batch.getEndTime().getNanos());
    double seconds = Math.max(0.001, Duration.between(start, end).toNanos() / 1e9);
    Instant bucket = Level.FIVE_SECONDS.bucket(start);
    RollupRow engine = row(rows, Subject.engine(seId), bucket);
    for (VirtualServiceMetrics vs : batch.getVirtualServicesList()) {
      RollupRow service = row(rows, Subject.virtualService(vs.getVirtualService()), bucket);
      service.virtualService = vs.getVirtualService();
      service.add(vs.getCounters(), seconds);
      engine.add(vs.getCounters(), seconds);
      RollupRow.gatherTimings(vs.getTimings(), service, engine); // each histogram read once
      if (vs.getTotalMembers() > 0) {
        service.healthy(vs.getHealthyMembers()); // the service's members, not the engine's
      }
      for (PoolMemberMetrics m : vs.getPoolMembersList()) {
        RollupRow member = row(rows, Subject.poolMember(m.getPool(), m.getEndpointId()), bucket);
        member.virtualService = vs.getVirtualService();
        member.appId = m.getAppId();
        member.address = m.getAddress();
        member.add(m.getCounters(), seconds);
        RollupRow.gatherTimings(m.getTimings(), member);
      }
    }
  }

  private static RollupRow row(
      Map<RollupStore.Key, RollupRow> rows, Subject subject, Instant bucket) {
    return rows.computeIfAbsent(
        new RollupStore.Key(Level.FIVE_SECONDS, subject, bucket), k -> new RollupRow());
  }

  /** Batches rolled up since the start. */
  public long rolled() {
    return rolled.get();
  }

  /** Roll-ups that failed (and were tried again) since the start. */
  public long failures() {
    return failures.get();
  }

  /** When the last roll-up finished without error; null before the first. */
  public Instant lastSuccess() {
    return lastSuccess;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
