package io.gatehouse.analytics.rollup;

import io.gatehouse.api.analytics.v1.TimingHistograms;
import io.gatehouse.api.analytics.v1.TrafficCounters;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * One rollup row's figures, mergeable: counters add, open connections accumulate as
 * connection-seconds, healthy members keep the lowest, and the six timing histograms merge. The
 * histograms keep two significant digits, the precision engines record with: a finer one would cost
 * memory and buy nothing.
 */
public final class RollupRow {
  /** Significant digits of the rollups' histograms. */
  public static final int DIGITS = 2;

  /** The timing components, in the order of the rollup table's histogram columns. */
  public static final String[] TIMINGS = {
    "client_rtt", "server_rtt", "app_response", "data_transfer", "total", "member_connect"
  };

  public String virtualService = "";
  public String appId = "";
  public String address = "";
  public long requests;
  public long responses1xx;
  public long responses2xx;
  public long responses3xx;
  public long responses4xx;
  public long responses5xx;
  public long connectErrors;
  public long bytesIn;
  public long bytesOut;
  public long connectionsOpened;
  public long connectionsClosed;
  public double connectionSeconds;
  public Integer healthyMembers;
  public long connectionsDenied;
  public long rateLimited;
  public final Histogram[] timings = new Histogram[TIMINGS.length];
  private final BucketCounts[] gathered = new BucketCounts[TIMINGS.length];

  /** Adds an engine's counters of an interval of {@code seconds}. */
  public void add(TrafficCounters c, double seconds) {
    requests += c.getRequests();
    responses1xx += c.getResponses1Xx();
    responses2xx += c.getResponses2Xx();
    responses3xx += c.getResponses3Xx();
    responses4xx += c.getResponses4Xx();
    responses5xx += c.getResponses5Xx();
    connectErrors += c.getConnectErrors();
    bytesIn += c.getBytesIn();
    bytesOut += c.getBytesOut();
    connectionsOpened += c.getConnectionsOpened();
    connectionsClosed += c.getConnectionsClosed();
    connectionSeconds += c.getOpenConnections() * seconds;
    connectionsDenied += c.getConnectionsDenied();
    rateLimited += c.getRateLimited();
  }

  /**
   * Adds an engine's timing histograms to each of {@code rows}, reading each one once; the sums are
   * gathered per bucket until {@link #settle} makes them histograms (whoever folds settles every
   * row before using it). A histogram that cannot be read adds nothing; {@code unreadable} hears
   * which and why.
   */
  static void gatherTimings(
      TimingHistograms t, java.util.function.Consumer<String> unreadable, RollupRow... rows) {
    gather(0, t.getClientRtt(), unreadable, rows);
    gather(1, t.getServerRtt(), unreadable, rows);
    gather(2, t.getAppResponse(), unreadable, rows);
    gather(3, t.getDataTransfer(), unreadable, rows);
    gather(4, t.getTotal(), unreadable, rows);
    gather(5, t.getMemberConnect(), unreadable, rows);
  }

  private static void gather(
      int i,
      io.gatehouse.api.analytics.v1.Histogram histogram,
      java.util.function.Consumer<String> unreadable,
      RollupRow... rows) {
    com.google.protobuf.ByteString encoded =
        histogram.getHdr().isEmpty() ? histogram.getHdrCompressed() : histogram.getHdr();
    if (histogram.getCount() == 0 || encoded.isEmpty()) {
      return;
    }
    // the histogram is read whole before anything is added: one that cannot be read adds nothing
    try {
      HistogramCodec codec = HistogramCodec.get();
      if (codec.read(encoded.asReadOnlyByteBuffer())) {
        for (RollupRow row : rows) {
          if (codec.hasRollupLayout()) {
            codec.addTo(row.gathering(i));
          } else {
            codec.addTo(row.histogram(i));
          }
        }
      } else {
        AbstractHistogram decoded = decode(encoded.toByteArray(), histogram.getCount());
        for (RollupRow row : rows) {
          row.histogram(i).add(decoded);
        }
      }
    } catch (IllegalArgumentException
        | IndexOutOfBoundsException
        | java.nio.BufferUnderflowException e) {
      unreadable.accept(TIMINGS[i] + ": " + e.getMessage());
    }
  }

  /** Turns the bucket sums gathered by {@link #gatherTimings} into the histograms. */
  void settle() {
    for (int i = 0; i < gathered.length; i++) {
      if (gathered[i] != null) {
        if (timings[i] == null) {
          timings[i] = gathered[i].toHistogram();
        } else {
          gathered[i].addTo(timings[i]);
        }
        gathered[i] = null;
      }
    }
  }

  private BucketCounts gathering(int i) {
    if (gathered[i] == null) {
      gathered[i] = new BucketCounts();
    }
    return gathered[i];
  }

  /** Keeps the lowest healthy-member count seen. */
  public void healthy(int members) {
    healthyMembers = healthyMembers == null ? members : Math.min(healthyMembers, members);
  }

  /** A new row holding the sum of {@code a} and {@code b}, about {@code a}'s subject. */
  public static RollupRow sum(RollupRow a, RollupRow b) {
    RollupRow sum = about(a);
    sum.add(a);
    sum.add(b);
    return sum;
  }

  /** An empty row about the same subject as {@code other} (its service, app and address). */
  public static RollupRow about(RollupRow other) {
    RollupRow row = new RollupRow();
    row.virtualService = other.virtualService;
    row.appId = other.appId;
    row.address = other.address;
    return row;
  }

  /**
   * Adds another row's figures (the same subject and bucket, or a finer bucket within it); the
   * subject's identity is the row's own, never taken from {@code other}.
   */
  public void add(RollupRow other) {
    requests += other.requests;
    responses1xx += other.responses1xx;
    responses2xx += other.responses2xx;
    responses3xx += other.responses3xx;
    responses4xx += other.responses4xx;
    responses5xx += other.responses5xx;
    connectErrors += other.connectErrors;
    bytesIn += other.bytesIn;
    bytesOut += other.bytesOut;
    connectionsOpened += other.connectionsOpened;
    connectionsClosed += other.connectionsClosed;
    connectionSeconds += other.connectionSeconds;
    connectionsDenied += other.connectionsDenied;
    rateLimited += other.rateLimited;
    if (other.healthyMembers != null) {
      healthy(other.healthyMembers);
    }
    for (int i = 0; i < timings.length; i++) {
      if (other.timings[i] == null) {
        continue;
      }
      if (timings[i] == null) {
        timings[i] = other.timings[i].copy(); // the same layout: the counts copied as they are
      } else {
        timings[i].add(other.timings[i]);
      }
    }
  }

  /** Merges a stored (compressed) histogram into component {@code i}. */
  public void merge(int i, byte[] compressed, long count) {
    if (compressed == null || compressed.length == 0 || count == 0) {
      return;
    }
    HistogramCodec codec = HistogramCodec.get();
    if (codec.read(compressed)) {
      codec.addTo(histogram(i));
    } else {
      histogram(i).add(decode(compressed, count));
    }
  }

  /** Component {@code i}'s histogram, encoded for storage; null when nothing was recorded. */
  public byte[] encoded(int i) {
    Histogram h = timings[i];
    if (h == null || h.getTotalCount() == 0) {
      return null;
    }
    return HistogramCodec.get().encode(h);
  }

  private Histogram histogram(int i) {
    if (timings[i] == null) {
      timings[i] = new Histogram(DIGITS);
    }
    return timings[i];
  }

  /**
   * Decodes a histogram as engines and the rollups encode them (V2, plain or deflated); one of
   * fewer than 2^31 values (an engine's interval) into int counts, half the memory of a temporary
   * with long counts.
   */
  public static AbstractHistogram decode(byte[] encoded, long count) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(encoded);
      boolean deflated = HistogramCodec.deflated(encoded);
      if (count < Integer.MAX_VALUE) {
        return deflated
            ? IntCountsHistogram.decodeFromCompressedByteBuffer(buffer, 0)
            : IntCountsHistogram.decodeFromByteBuffer(buffer, 0);
      }
      return deflated
          ? Histogram.decodeFromCompressedByteBuffer(buffer, 0)
          : Histogram.decodeFromByteBuffer(buffer, 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not an HdrHistogram: " + e.getMessage(), e);
    }
  }
}
