package io.gatehouse.analytics.internal;

import io.gatehouse.analytics.ingest.MetricIngest;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * analytics-svc's Prometheus metrics about the rollups: metric batches written to them, group
 * writes that failed (their engines send them again), intervals engines had to merge for want of
 * credits, and the seconds since the last write that finished — growing without bound while engines
 * report and nothing is written, the figure to alert on.
 */
@Context
final class AnalyticsMetrics {
  AnalyticsMetrics(MeterRegistry registry, MetricIngest ingest) {
    Clock clock = Clock.systemUTC();
    FunctionCounter.builder("gatehouse.analytics.rollup.batches", ingest, MetricIngest::written)
        .description("metric batches written to the rollups")
        .register(registry);
    FunctionCounter.builder("gatehouse.analytics.rollup.failures", ingest, MetricIngest::failures)
        .description("rollup writes that failed (their batches are sent again)")
        .register(registry);
    FunctionCounter.builder(
            "gatehouse.analytics.engine.merged.intervals", ingest, MetricIngest::mergedIntervals)
        .description(
            "metric intervals engines merged into one batch for want of credits: analytics lags")
        .register(registry);
    Gauge.builder(
            "gatehouse.analytics.rollup.last.success.age.seconds",
            ingest,
            r -> {
              Instant last = r.lastSuccess();
              return last == null
                  ? Double.NaN
                  : Duration.between(last, clock.instant()).toMillis() / 1e3;
            })
        .description("seconds since the last rollup write finished (NaN before the first)")
        .register(registry);
  }
}
