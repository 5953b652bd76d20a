package io.gatehouse.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** A concurrent latency recorder (microseconds) that prints p50/p90/p99/max. */
final class Latencies {
  private final Recorder recorder = new Recorder(3);
  private Histogram total;

  void recordNanos(long nanos) {
    recorder.recordValue(Math.max(1, nanos / 1000));
  }

  Histogram histogram() {
    if (total == null) {
      total = recorder.getIntervalHistogram();
    }
    return total;
  }

  String summary() {
    Histogram h = histogram();
    return String.format(
        Locale.ROOT,
        "n=%d p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms",
        h.getTotalCount(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(90) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0);
  }
}
