package io.gatehouse.engine.timing;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency histograms of one virtual service or pool member, one per {@link TimingComponent}, in
 * microseconds with two significant digits (1 % precision). Event loops record without locks
 * (HdrHistogram's {@link Recorder}); a reader takes what was recorded since its last look as an
 * interval histogram, which merges exactly with others (percentiles are never averaged).
 *
 * <p>The recording side never allocates or resizes once warm: interval histograms are recycled, and
 * a component's recorder exists only once something was recorded for it, so a quiet service costs
 * no histogram memory.
 */
public final class RequestTimings {
  private static final TimingComponent[] COMPONENTS = TimingComponent.values();
  private static final int DIGITS = 2;
  private final Recorder[] recorders = new Recorder[COMPONENTS.length];
  private final Histogram[] recycled = new Histogram[COMPONENTS.length];
  private final Histogram[] cumulative = new Histogram[COMPONENTS.length];

  /** Records one request's {@code component}, in nanoseconds (kept as microseconds, at least 1). */
  public void record(TimingComponent component, long nanos) {
    recorder(component).recordValue(Math.max(1, nanos / 1000));
  }

  /** Records a round-trip estimate given in microseconds. */
  public void recordMicros(TimingComponent component, long micros) {
    if (micros > 0) {
      recorder(component).recordValue(micros);
    }
  }

  private Recorder recorder(TimingComponent component) {
    Recorder recorder = recorders[component.ordinal()];
    if (recorder == null) {
      synchronized (this) {
        recorder = recorders[component.ordinal()];
        if (recorder == null) {
          recorder = new Recorder(DIGITS);
          recorders[component.ordinal()] = recorder;
        }
      }
    }
    return recorder;
  }

  /**
   * What was recorded since the last call, per component (an empty histogram where nothing was); it
   * is also added to the running totals. One reader at a time; the histograms returned are valid
   * until the next call (they are recycled).
   */
  public synchronized Histogram[] interval() {
    Histogram[] interval = new Histogram[recorders.length];
    for (int i = 0; i < recorders.length; i++) {
      Recorder recorder = recorders[i];
      if (recorder == null) {
        interval[i] = new Histogram(DIGITS);
        continue;
      }
      Histogram taken = recorder.getIntervalHistogram(recycled[i]);
      recycled[i] = taken;
      interval[i] = taken;
      if (cumulative[i] == null) {
        cumulative[i] = new Histogram(DIGITS);
      }
      cumulative[i].add(taken);
    }
    return interval;
  }

  /** Everything recorded since start up to the last {@link #interval()}, for one component. */
  public synchronized Histogram cumulative(TimingComponent component) {
    Histogram total = cumulative[component.ordinal()];
    return total == null ? new Histogram(DIGITS) : total.copy();
  }
}
