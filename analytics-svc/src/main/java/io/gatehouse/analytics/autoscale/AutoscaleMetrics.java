package io.gatehouse.analytics.autoscale;

import io.gatehouse.analytics.rollup.Level;
import io.gatehouse.analytics.rollup.RollupRow;
import io.gatehouse.analytics.rollup.RollupStore;
import io.gatehouse.analytics.rollup.Subject;
import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.discovery.v1.TaskResources;
import io.gatehouse.api.policy.v1.AutoscalePolicy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figure an autoscale policy is judged by, for one pool over the policy's window: requests per
 * second per instance, p95 app response and open connections per instance from the live 5 s rollups
 * of the pool's members; CPU use from what the Mesos agents report of the app's tasks, sampled at
 * each evaluation.
 */
final class AutoscaleMetrics {
  private static final Logger log = LoggerFactory.getLogger(AutoscaleMetrics.class);

  private final DataSource dataSource;
  private final Clock clock;
  private final Supplier<List<Node>> nodes;
  private final Set<String> reported = new HashSet<>();
  private final Map<String, Deque<CpuSample>> cpuSamples = new HashMap<>();

  /** The mean CPU use of an app's measured tasks at one evaluation. */
  private record CpuSample(Instant time, double utilization) {}

  /**
   * @param nodes discovery-svc's nodes with their tasks' use (read only for CPU policies)
   */
  AutoscaleMetrics(DataSource dataSource, Clock clock, Supplier<List<Node>> nodes) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.nodes = nodes;
  }

  /** The policy's metric for the pool over its window; empty when it cannot be measured. */
  Optional<Double> observe(AutoscalePolicy p, String pool, App app) throws SQLException {
    Duration window = ScalingRule.window(p);
    Instant now = clock.instant();
    Instant from = now.minus(window);
    double seconds = window.toMillis() / 1000.0;
    int running = Math.max(1, app.getInstances());
    try (Connection c = dataSource.getConnection()) {
      List<RollupStore.Row> members =
          RollupStore.poolMemberRows(c, Level.FIVE_SECONDS, pool, from, now.plusSeconds(5));
      RollupRow sum = new RollupRow();
      Set<String> services = new HashSet<>();
      members.forEach(
          r -> {
            sum.add(r.figures());
            services.add(r.figures().virtualService);
          });
      return switch (p.getMetric()) {
        case AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE ->
            Optional.of(sum.requests / seconds / running);
        case AUTOSCALE_METRIC_P95_APP_RESPONSE_MS ->
            sum.timings[2] == null || sum.timings[2].getTotalCount() == 0
                ? Optional.empty()
                : Optional.of(sum.timings[2].getValueAtPercentile(95) / 1000.0);
        case AUTOSCALE_METRIC_OPEN_CONNECTIONS_PER_INSTANCE -> {
          double connectionSeconds = 0;
          for (String vs : services) {
            for (RollupStore.Row row :
                RollupStore.rows(
                    c, Level.FIVE_SECONDS, Subject.virtualService(vs), from, now, false)) {
              connectionSeconds += row.figures().connectionSeconds;
            }
          }
          yield Optional.of(connectionSeconds / seconds / running);
        }
        case AUTOSCALE_METRIC_CPU_UTILIZATION -> cpuUtilization(app, window, now);
        case AUTOSCALE_METRIC_UNSPECIFIED, UNRECOGNIZED -> {
          reportOnce(
              "metric:" + p.getMeta().getName(),
              "autoscale policy {}: names no metric Gatehouse knows ({}); it is not evaluated",
              p.getMeta().getName(),
              p.getMetric());
          yield Optional.empty();
        }
      };
    }
  }

  /**
   * Mean CPU use of the app's tasks as a fraction of their CPU limit over the window: sampled at
   * every evaluation from discovery-svc's nodes (what each Mesos agent reports of its tasks) and
   * kept in memory, so a new leader starts its window afresh. Empty until a task was measured.
   */
  private Optional<Double> cpuUtilization(App app, Duration window, Instant now) {
    Set<String> tasks = new HashSet<>();
    app.getTasksList().forEach(t -> tasks.add(t.getId()));
    double sum = 0;
    int measured = 0;
    for (Node node : nodes.get()) {
      for (TaskResources task : node.getTasksList()) {
        if (tasks.contains(task.getTaskId())
            && task.hasCpusUsed()
            && task.getAllocated().getCpus() > 0) {
          sum += task.getCpusUsed() / task.getAllocated().getCpus();
          measured++;
        }
      }
    }
    String key = app.getMarathonFramework() + ":" + app.getId();
    Deque<CpuSample> samples = cpuSamples.computeIfAbsent(key, k -> new ArrayDeque<>());
    if (measured > 0) {
      samples.addLast(new CpuSample(now, sum / measured));
    }
    while (!samples.isEmpty() && samples.peekFirst().time().isBefore(now.minus(window))) {
      samples.removeFirst();
    }
    if (samples.isEmpty()) {
      cpuSamples.remove(key); // an app gone or unmeasured leaves nothing behind
      return Optional.empty();
    }
    return Optional.of(
        samples.stream().mapToDouble(CpuSample::utilization).average().orElseThrow());
  }

  private void reportOnce(String key, String message, Object... args) {
    if (reported.add(key)) {
      log.warn(message, args);
    }
  }
}
