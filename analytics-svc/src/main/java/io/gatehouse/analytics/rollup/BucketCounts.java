package io.gatehouse.analytics.rollup;

import java.util.Arrays;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;

/**
 * One timing component's counts per bucket, in the layout of the rollups' histograms (2 significant
 * digits, 1 µs unit), while ingest sums the histograms of many engines and seconds into one row:
 * adding an engine's histogram is an addition per non-empty bucket, and the sum becomes a histogram
 * once, when the row is settled.
 */
final class BucketCounts {
  /** log2 of half the sub-buckets of a 2-digit histogram (256 sub-buckets). */
  static final int HALF_MAGNITUDE = HistogramCodec.halfMagnitude(RollupRow.DIGITS);

  private long[] counts = new long[256];
  private int highest = -1;

  /** Adds {@code size} (index, count) pairs, their indices ascending. */
  void add(int[] indices, long[] counts, int size) {
    if (size == 0) {
      return;
    }
    int last = indices[size - 1];
    if (last >= this.counts.length) {
      this.counts = Arrays.copyOf(this.counts, Math.max(last + 1, this.counts.length * 2));
    }
    long[] sums = this.counts;
    for (int i = 0; i < size; i++) {
      sums[indices[i]] += counts[i];
    }
    highest = Math.max(highest, last);
  }

  /** A new histogram of the sums, sized for them at once. */
  Histogram toHistogram() {
    Histogram h =
        new Histogram(
            Math.max(2, HistogramCodec.valueAt(Math.max(highest, 0), HALF_MAGNITUDE, 0) * 2),
            RollupRow.DIGITS);
    h.setAutoResize(true);
    addTo(h);
    return h;
  }

  /** Records the sums into {@code target}, the highest bucket first (one resize, no min/max). */
  void addTo(AbstractHistogram target) {
    if (highest < 0) {
      return;
    }
    target.recordValueWithCount(
        HistogramCodec.valueAt(highest, HALF_MAGNITUDE, 0), counts[highest]);
    for (int i = 0; i < highest; i++) {
      if (counts[i] != 0) {
        target.recordValueWithCount(HistogramCodec.valueAt(i, HALF_MAGNITUDE, 0), counts[i]);
      }
    }
  }
}
