package io.gatehouse.analytics.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gatehouse.analytics.AnalyticsDatabase;
import io.gatehouse.analytics.rollup.Level;
import io.gatehouse.analytics.rollup.RollupRow;
import io.gatehouse.analytics.rollup.RollupStore;
import io.gatehouse.analytics.rollup.Subject;
import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.discovery.v1.Resources;
import io.gatehouse.api.discovery.v1.Task;
import io.gatehouse.api.discovery.v1.TaskResources;
import io.gatehouse.api.policy.v1.AutoscaleMetric;
import io.gatehouse.api.policy.v1.AutoscalePolicy;
import io.gatehouse.api.policy.v1.ObjectMeta;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * Each autoscale metric from the stored rollups (a real PostgreSQL) and the agents' reports, over
 * the policy's window at a clock the test sets.
 */
class AutoscaleMetricsIT {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private final DataSource ds = AnalyticsDatabase.fresh(null);
  private final App app =
      App.newBuilder()
          .setId("/web")
          .setInstances(2)
          .addTasks(Task.newBuilder().setId("web.1"))
          .addTasks(Task.newBuilder().setId("web.2"))
          .build();

  private static AutoscalePolicy policy(AutoscaleMetric metric, long windowSeconds) {
    AutoscalePolicy.Builder p =
        AutoscalePolicy.newBuilder()
            .setMeta(ObjectMeta.newBuilder().setName("p"))
            .setMetric(metric);
    if (windowSeconds > 0) {
      p.setEvaluationWindow(com.google.protobuf.Duration.newBuilder().setSeconds(windowSeconds));
    }
    return p.build();
  }

  /**
   * The metric of pool {@code pool} over a window of {@code windowSeconds} (0: the default), now.
   */
  private Optional<Double> observe(AutoscaleMetric metric, long windowSeconds, String pool)
      throws Exception {
    return at(NOW, List.of()).observe(policy(metric, windowSeconds), pool, app);
  }

  private AutoscaleMetrics at(Instant now, List<Node> nodes) {
    return new AutoscaleMetrics(ds, Clock.fixed(now, ZoneOffset.UTC), () -> nodes);
  }

  @Test
  void requestsPerSecondPerInstanceCountTheWindowOnly() throws Exception {
    store(member("task-1", NOW.minusSeconds(30), 600));
    store(member("task-2", NOW.minusSeconds(20), 600));
    store(member("task-1", NOW.minusSeconds(120), 10_000)); // before the minute

    // 1,200 requests in 60 s over 2 instances
    assertThat(observe(AutoscaleMetric.AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE, 0, "web"))
        .hasValueSatisfying(v -> assertThat(v).isCloseTo(10.0, within(1e-9)));
    // a window of 25 s takes the row of 20 s ago alone: 600 in 25 s over 2
    assertThat(
            observe(AutoscaleMetric.AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE, 25, "web"))
        .hasValueSatisfying(v -> assertThat(v).isCloseTo(12.0, within(1e-9)));
  }

  @Test
  void p95AppResponseMergesTheMembersHistograms() throws Exception {
    MemberRow fast = member("task-1", NOW.minusSeconds(30), 90);
    fast.figures().timings[2] = histogram(90, 10_000); // 90 answers in 10 ms
    MemberRow slow = member("task-2", NOW.minusSeconds(30), 10);
    slow.figures().timings[2] = histogram(10, 200_000); // 10 in 200 ms
    store(fast, slow);

    assertThat(observe(AutoscaleMetric.AUTOSCALE_METRIC_P95_APP_RESPONSE_MS, 0, "web"))
        .hasValueSatisfying(v -> assertThat(v).isCloseTo(200.0, within(200.0 * 0.01)));
    assertThat(observe(AutoscaleMetric.AUTOSCALE_METRIC_P95_APP_RESPONSE_MS, 0, "other"))
        .as("no measured answer: no figure")
        .isEmpty();
  }

  @Test
  void openConnectionsPerInstanceComeFromTheVirtualServicesConnectionSeconds() throws Exception {
    store(member("task-1", NOW.minusSeconds(30), 1));
    RollupRow vs = new RollupRow();
    vs.virtualService = "web-vs";
    vs.connectionSeconds = 240; // 4 connections open all minute
    Map<RollupStore.Key, RollupRow> rows = new HashMap<>();
    rows.put(
        new RollupStore.Key(
            Level.FIVE_SECONDS, Subject.virtualService("web-vs"), NOW.minusSeconds(30)),
        vs);
    try (Connection c = ds.getConnection()) {
      RollupStore.add(c, rows);
    }

    assertThat(observe(AutoscaleMetric.AUTOSCALE_METRIC_OPEN_CONNECTIONS_PER_INSTANCE, 0, "web"))
        .hasValueSatisfying(v -> assertThat(v).isCloseTo(2.0, within(1e-9)));
  }

  @Test
  void cpuUseIsTheMeanOfTheSamplesInTheWindow() throws Exception {
    AtomicReference<List<Node>> reported = new AtomicReference<>(nodes(0.5, 0.5));
    MovingClock clock = new MovingClock(NOW);
    AutoscaleMetrics metrics = new AutoscaleMetrics(ds, clock, reported::get);
    AutoscalePolicy cpu = policy(AutoscaleMetric.AUTOSCALE_METRIC_CPU_UTILIZATION, 60);

    assertThat(metrics.observe(cpu, "web", app)).contains(0.5); // at NOW
    reported.set(nodes(1.0, 1.0));
    clock.now = NOW.plusSeconds(30);
    assertThat(metrics.observe(cpu, "web", app)).contains(0.75); // NOW+30: both samples
    clock.now = NOW.plusSeconds(70);
    assertThat(metrics.observe(cpu, "web", app)).contains(1.0); // NOW+70: the first is out
    reported.set(List.of()); // nothing measured any more
    clock.now = NOW.plusSeconds(131);
    assertThat(metrics.observe(cpu, "web", app)).isEmpty();
  }

  @Test
  void aPolicyWithoutAKnownMetricHasNoFigure() throws Exception {
    assertThat(observe(AutoscaleMetric.AUTOSCALE_METRIC_UNSPECIFIED, 0, "web")).isEmpty();
  }

  /** A member's 5 s row of pool web. */
  private record MemberRow(String task, Instant bucket, RollupRow figures) {}

  private static MemberRow member(String task, Instant bucket, long requests) {
    RollupRow row = new RollupRow();
    row.virtualService = "web-vs";
    row.requests = requests;
    return new MemberRow(task, bucket, row);
  }

  private void store(MemberRow... members) throws Exception {
    Map<RollupStore.Key, RollupRow> rows = new HashMap<>();
    for (MemberRow row : members) {
      rows.put(
          new RollupStore.Key(
              Level.FIVE_SECONDS, Subject.poolMember("web", row.task()), row.bucket()),
          row.figures());
    }
    try (Connection c = ds.getConnection()) {
      RollupStore.add(c, rows);
    }
  }

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    volatile Instant now;

    MovingClock(Instant start) {
      this.now = start;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private static Histogram histogram(int count, long micros) {
    Histogram h = new Histogram(RollupRow.DIGITS);
    h.recordValueWithCount(micros, count);
    return h;
  }

  private static List<Node> nodes(double task1, double task2) {
    return List.of(
        Node.newBuilder()
            .addTasks(
                TaskResources.newBuilder()
                    .setTaskId("web.1")
                    .setAllocated(Resources.newBuilder().setCpus(1.0))
                    .setCpusUsed(task1))
            .addTasks(
                TaskResources.newBuilder()
                    .setTaskId("web.2")
                    .setAllocated(Resources.newBuilder().setCpus(1.0))
                    .setCpusUsed(task2))
            .build());
  }
}
