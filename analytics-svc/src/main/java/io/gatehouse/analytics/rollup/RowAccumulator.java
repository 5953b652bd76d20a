package io.gatehouse.analytics.rollup;

import io.gatehouse.api.analytics.v1.MetricBatch;
import io.gatehouse.api.analytics.v1.PoolMemberMetrics;
import io.gatehouse.api.analytics.v1.VirtualServiceMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The rollup rows that engines' metric batches are folded into until they are written. Several
 * threads fold at once, each into a stripe of its own, and the stripes are merged when the rows are
 * taken. Folding a histogram adds its bucket counts to the rows' sums (it is read once, whatever
 * the number of rows it counts in); the sums become histograms once, when the rows are taken. A
 * histogram that cannot be read adds nothing and is reported; the rest of its batch counts.
 */
public final class RowAccumulator {
  private final Stripe[] stripes;

  /** An accumulator that {@code threads} threads can fold into without waiting for each other. */
  public RowAccumulator(int threads) {
    stripes = new Stripe[Math.max(1, threads)];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Stripe();
    }
  }

  /**
   * Adds engine {@code seId}'s batch to the 5 s rows of its engine, virtual services and pool
   * members; returns what could not be read (empty when everything counted).
   */
  public List<String> fold(String seId, MetricBatch batch) {
    Stripe stripe = lockStripe();
    try {
      return fold(seId, batch, stripe.rows);
    } finally {
      stripe.lock.unlock();
    }
  }

  /**
   * Every row the folded batches touch, at every level: the 5 s rows, and the 1 min, 1 h and 1 day
   * rows that each is part of. Call it once, after the last fold.
   */
  public Map<RollupStore.Key, RollupRow> rows() {
    Map<RollupStore.Key, RollupRow> fine = new HashMap<>();
    for (Stripe stripe : stripes) {
      stripe.lock.lock();
      try {
        stripe.rows.forEach(
            (key, row) -> {
              row.settle(); // the bucket sums become histograms
              RollupRow mine = fine.putIfAbsent(key, row);
              if (mine != null) {
                mine.add(row);
              }
            });
        stripe.rows.clear();
      } finally {
        stripe.lock.unlock();
      }
    }
    // each level from the one below it: a coarse row made of a single finer row is that row itself
    Map<RollupStore.Key, RollupRow> all = new HashMap<>(fine);
    Map<RollupStore.Key, RollupRow> finer = fine;
    for (Level level : List.of(Level.ONE_MINUTE, Level.ONE_HOUR, Level.ONE_DAY)) {
      Map<RollupStore.Key, RollupRow> coarse = new HashMap<>();
      finer.forEach(
          (key, row) ->
              coarse.merge(
                  new RollupStore.Key(level, key.subject(), level.bucket(key.bucket())),
                  row,
                  RollupRow::sum));
      all.putAll(coarse);
      finer = coarse;
    }
    return all;
  }

  /** A free stripe, or this thread's own when every stripe is taken. */
  private Stripe lockStripe() {
    int first = (int) (Thread.currentThread().getId() % stripes.length);
    for (int i = 0; i < stripes.length; i++) {
      Stripe stripe = stripes[(first + i) % stripes.length];
      if (stripe.lock.tryLock()) {
        return stripe;
      }
    }
    stripes[first].lock.lock();
    return stripes[first];
  }

  private static List<String> fold(
      String seId, MetricBatch batch, Map<RollupStore.Key, RollupRow> rows) {
    Instant start =
        Instant.ofEpochSecond(batch.getStartTime().getSeconds(), batch.getStartTime().getNanos());
    Instant end =
        Instant.ofEpochSecond(batch.getEndTime().getSeconds(), batch.getEndTime().getNanos());
    double seconds = Math.max(0.001, Duration.between(start, end).toNanos() / 1e9);
    Instant bucket = Level.FIVE_SECONDS.bucket(start);
    List<String> unreadable = new ArrayList<>(0);
    RollupRow engine = row(rows, Subject.engine(seId), bucket);
    for (VirtualServiceMetrics vs : batch.getVirtualServicesList()) {
      RollupRow service = row(rows, Subject.virtualService(vs.getVirtualService()), bucket);
      service.virtualService = vs.getVirtualService();
      service.add(vs.getCounters(), seconds);
      engine.add(vs.getCounters(), seconds);
      // each histogram read once, for the service and the engine
      RollupRow.gatherTimings(
          vs.getTimings(),
          what -> unreadable.add("virtual service " + vs.getVirtualService() + ": " + what),
          service,
          engine);
      if (vs.getTotalMembers() > 0) {
        service.healthy(vs.getHealthyMembers()); // the service's members, not the engine's
      }
      for (PoolMemberMetrics m : vs.getPoolMembersList()) {
        RollupRow member = row(rows, Subject.poolMember(m.getPool(), m.getEndpointId()), bucket);
        member.virtualService = vs.getVirtualService();
        member.appId = m.getAppId();
        member.address = m.getAddress();
        member.add(m.getCounters(), seconds);
        RollupRow.gatherTimings(
            m.getTimings(),
            what -> unreadable.add("member " + m.getPool() + "/" + m.getEndpointId() + ": " + what),
            member);
      }
    }
    return unreadable;
  }

  private static RollupRow row(
      Map<RollupStore.Key, RollupRow> rows, Subject subject, Instant bucket) {
    return rows.computeIfAbsent(
        new RollupStore.Key(Level.FIVE_SECONDS, subject, bucket), k -> new RollupRow());
  }

  private static final class Stripe {
    final ReentrantLock lock = new ReentrantLock();
    final Map<RollupStore.Key, RollupRow> rows = new HashMap<>();
  }
}
