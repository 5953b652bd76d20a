package io.gatehouse.engine.timing;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency histograms of one virtual service or pool member, one per {@link TimingComponent}, in
 * microseconds with three significant digits. Event loops record without locks or contention
 * (HdrHistogram's {@link Recorder}); a reader takes what was recorded since its last look as an
 * interval histogram, which merges exactly with others (percentiles are never averaged).
 */
public final class RequestTimings {
  private static final TimingComponent[] COMPONENTS = TimingComponent.values();
  private final Recorder[] recorders = new Recorder[COMPONENTS.length];
  private final Histogram[] cumulative = new Histogram[COMPONENTS.length];

  public RequestTimings() {
    for (int i = 0; i < recorders.length; i++) {
      recorders[i] = new Recorder(3, true); // packed: a quiet service costs little memory
      cumulative[i] = new Histogram(3);
    }
  }

  /** Records one request's {@code component}, in nanoseconds (kept as microseconds, at least 1). */
  public void record(TimingComponent component, long nanos) {
    recorders[component.ordinal()].recordValue(Math.max(1, nanos / 1000));
  }

  /** Records a round-trip estimate given in microseconds. */
  public void recordMicros(TimingComponent component, long micros) {
    if (micros > 0) {
      recorders[component.ordinal()].recordValue(micros);
    }
  }

  /**
   * What was recorded since the last call, per component; it is also added to the running totals.
   * One reader at a time.
   */
  public synchronized Histogram[] interval() {
    Histogram[] interval = new Histogram[recorders.length];
    for (int i = 0; i < recorders.length; i++) {
      interval[i] = recorders[i].getIntervalHistogram();
      cumulative[i].add(interval[i]);
    }
    return interval;
  }

  /** Everything recorded since start up to the last {@link #interval()}, per component. */
  public synchronized Histogram cumulative(TimingComponent component) {
    return cumulative[component.ordinal()].copy();
  }
}
