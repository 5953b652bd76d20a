package io.gatehouse.discovery.internal;

import io.gatehouse.discovery.apps.AppModel;
import io.gatehouse.discovery.marathon.MarathonFollower;
import io.gatehouse.discovery.mesos.AgentModel;
import io.gatehouse.discovery.mesos.MesosPoller;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * discovery-svc's Prometheus metrics, per Marathon instance (tag {@code marathon}): the event lag
 * (Marathon's event time to the change published to watchers and the policy writer), events
 * received, apps and tasks, the event stream's state, the age of the last full sync, and apps whose
 * labels or objects fail; and the Mesos master's agents.
 */
@Context
final class DiscoveryMetrics {
  private final Clock clock = Clock.systemUTC();

  DiscoveryMetrics(
      MeterRegistry registry,
      Frameworks frameworks,
      AgentModel agents,
      MesosPoller mesos,
      Optional<PolicyWriters> writers) {
    for (Frameworks.Framework framework : frameworks.all()) {
      String name = framework.name();
      MarathonFollower follower = framework.follower();
      AppModel model = framework.model();
      Timer lag =
          Timer.builder("gatehouse.discovery.event.lag")
              .description("Marathon event time to the change published (Marathon's clock)")
              .tag("marathon", name)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofMillis(1))
              .maximumExpectedValue(Duration.ofSeconds(60))
              .register(registry);
      model.addListener(new LagRecorder(model, lag, clock));
      FunctionCounter.builder(
              "gatehouse.discovery.events.received", follower, f -> f.eventsReceived())
          .description("Marathon events received")
          .tag("marathon", name)
          .register(registry);
      gauge(
          registry,
          "gatehouse.discovery.apps",
          name,
          "apps followed",
          () -> model.snapshot().apps().size());
      gauge(
          registry,
          "gatehouse.discovery.tasks",
          name,
          "tasks of the apps followed",
          () -> model.snapshot().apps().stream().mapToLong(a -> a.tasks().size()).sum());
      gauge(
          registry,
          "gatehouse.discovery.event.stream.connected",
          name,
          "1 while the event stream is connected",
          () -> follower.state() == MarathonFollower.State.CONNECTED ? 1 : 0);
      gauge(
          registry,
          "gatehouse.discovery.full.sync.age.seconds",
          name,
          "seconds since the last full sync (NaN before the first)",
          () ->
              follower.lastFullSync() == null
                  ? Double.NaN
                  : Duration.between(follower.lastFullSync(), clock.instant()).toMillis() / 1e3);
      gauge(
          registry,
          "gatehouse.discovery.full.sync.duration.seconds",
          name,
          "how long the last full sync took (NaN before the first)",
          () ->
              follower.lastFullSyncDuration() == null
                  ? Double.NaN
                  : follower.lastFullSyncDuration().toNanos() / 1e9);
      gauge(
          registry,
          "gatehouse.discovery.apps.failing",
          name,
          "apps whose labels are wrong or whose objects policy-svc refused (on the writing replica)",
          () -> writers.map(w -> w.failingApps(name)).orElse(0));
    }
    Gauge.builder(
            "gatehouse.discovery.policy.writer",
            () -> writers.map(w -> w.writing() ? 1 : 0).orElse(0))
        .description("1 on the replica that writes label-derived policy")
        .register(registry);
    Gauge.builder("gatehouse.leader", () -> writers.map(w -> w.writing() ? 1 : 0).orElse(0))
        .description("1 while this replica leads the duty, 0 while another does")
        .tag("duty", "discovery-svc/policy-writer")
        .register(registry);
    Gauge.builder("gatehouse.discovery.mesos.agents", () -> agents.snapshot().agents().size())
        .description("agents the Mesos master reports")
        .register(registry);
    Gauge.builder(
            "gatehouse.discovery.mesos.sync.age.seconds",
            () ->
                mesos.lastSync() == null
                    ? Double.NaN
                    : Duration.between(mesos.lastSync(), clock.instant()).toMillis() / 1e3)
        .description("seconds since the Mesos master last answered (NaN before it first did)")
        .register(registry);
  }

  private static void gauge(
      MeterRegistry registry,
      String metric,
      String marathon,
      String description,
      Supplier<Number> value) {
    Gauge.builder(metric, value)
        .description(description)
        .tag("marathon", marathon)
        .register(registry);
  }

  /** Records, for each new delta of a model, how long after its cause it was published. */
  private static final class LagRecorder implements Runnable {
    private final AppModel model;
    private final Timer lag;
    private final Clock clock;
    private long seen;

    LagRecorder(AppModel model, Timer lag, Clock clock) {
      this.model = model;
      this.lag = lag;
      this.clock = clock;
      this.seen = model.revision();
    }

    @Override
    public synchronized void run() {
      Instant now = clock.instant();
      List<AppModel.Delta> deltas = model.since(seen);
      if (deltas == null) {
        seen = model.revision(); // fell behind the history: those deltas go unmeasured
        return;
      }
      for (AppModel.Delta delta : deltas) {
        if (delta.causeTime() != null) {
          lag.record(Duration.between(delta.causeTime(), now));
        }
        seen = delta.revision();
      }
    }
  }
}
