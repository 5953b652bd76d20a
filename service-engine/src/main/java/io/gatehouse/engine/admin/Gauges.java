package io.gatehouse.engine.admin;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;

/** One-value gauges for the parts of the engine that report their state on /metrics. */
public final class Gauges {
  private Gauges() {}

  /** A gauge {@code name} with one unlabelled value. */
  public static GaugeSnapshot of(String name, String help, double value) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build())
        .build();
  }
}
