package io.gatehouse.analytics.internal;

import io.gatehouse.analytics.rollup.Roller;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * analytics-svc's Prometheus metrics about the roller: batches rolled up, failed roll-ups (each is
 * tried again), and the seconds since the last roll-up that finished — growing without bound when
 * the roller is stuck, the figure to alert on.
 */
@Context
final class AnalyticsMetrics {
  AnalyticsMetrics(MeterRegistry registry, Roller roller) {
    Clock clock = Clock.systemUTC();
    FunctionCounter.builder("gatehouse.analytics.rollup.batches", roller, Roller::rolled)
        .description("metric batches rolled up")
        .register(registry);
    FunctionCounter.builder("gatehouse.analytics.rollup.failures", roller, Roller::failures)
        .description("roll-ups that failed and were tried again")
        .register(registry);
    Gauge.builder(
            "gatehouse.analytics.rollup.last.success.age.seconds",
            roller,
            r -> {
              Instant last = r.lastSuccess();
              return last == null
                  ? Double.NaN
                  : Duration.between(last, clock.instant()).toMillis() / 1e3;
            })
        .description("seconds since the last roll-up finished (NaN before the first)")
        .register(registry);
  }
}
