package io.gatehouse.analytics.rollup;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.HdrHistogram.AbstractHistogram;

/**
 * Reads HdrHistogram's V2 encoding, plain or deflated (engines send the plain one; older engines
 * and older rollups have the deflated one), and writes the plain one, at the rate of 50 engines ×
 * 200 virtual services × 10 histograms a second.
 *
 * <p>The library decodes into a new histogram (a counts array allocated and zeroed, a new {@code
 * Inflater}) that is then added to the target by walking all its counts; most of the folding time
 * went there. Here the encoding is read once into its non-empty buckets (index, count), reusing one
 * inflater and buffer per thread, and those are added to any number of targets: straight into the
 * {@link BucketCounts} of the same layout, or recorded into a histogram at the lowest value of each
 * bucket — the library's own {@code add}, so targets of the same precision get exactly the counts
 * the source had. Encodings this reader does not know (another cookie, a shifted histogram) go
 * through the library.
 */
final class HistogramCodec {
  private static final int V2_COOKIE_BASE = 0x1c849303;
  private static final int V2_COMPRESSED_COOKIE_BASE = 0x1c849304;
  private static final int COOKIE_FLAGS = 0xf0;
  private static final int V2_HEADER_BYTES = 40;
  private static final int COMPRESSED_HEADER_BYTES = 8;

  private static final ThreadLocal<HistogramCodec> PER_THREAD =
      ThreadLocal.withInitial(HistogramCodec::new);

  private final Inflater inflater = new Inflater();
  private byte[] plain = new byte[4096];
  private int[] indices = new int[256];
  private long[] counts = new long[256];
  private int size;
  private int halfMagnitude;
  private int unitMagnitude;

  private HistogramCodec() {}

  /** This thread's codec; its pairs are valid until the thread reads the next encoding. */
  static HistogramCodec get() {
    return PER_THREAD.get();
  }

  /**
   * Reads an encoding into this codec's pairs; false when it is not one this reader knows (the
   * caller then uses the library).
   */
  boolean read(byte[] encoded) {
    return read(ByteBuffer.wrap(encoded));
  }

  /** As {@link #read(byte[])}, from the buffer's position to its limit. */
  boolean read(ByteBuffer encoded) {
    size = 0;
    ByteBuffer in = encoded.slice();
    if (in.remaining() < COMPRESSED_HEADER_BYTES) {
      return false;
    }
    int cookie = in.getInt(0) & ~COOKIE_FLAGS;
    int length;
    if (cookie == V2_COOKIE_BASE) {
      length = in.remaining();
      if (plain.length < length) {
        plain = new byte[Math.max(length, plain.length * 2)];
      }
      in.get(plain, 0, length);
    } else if (cookie == V2_COMPRESSED_COOKIE_BASE) {
      in.getInt();
      int deflated = in.getInt();
      if (deflated < 0 || deflated > in.remaining()) {
        throw new IllegalArgumentException("not an HdrHistogram: its length field is wrong");
      }
      in.limit(in.position() + deflated);
      length = inflate(in);
    } else {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(plain, 0, length);
    if (length < V2_HEADER_BYTES || (b.getInt() & ~COOKIE_FLAGS) != V2_COOKIE_BASE) {
      return false;
    }
    int payload = b.getInt();
    int normalizingIndexOffset = b.getInt();
    int digits = b.getInt();
    long lowest = b.getLong();
    b.getLong(); // highest trackable value: targets resize themselves
    b.getDouble(); // integer-to-double ratio: not used by integer histograms
    if (normalizingIndexOffset != 0 || digits < 0 || digits > 5 || lowest < 1) {
      return false;
    }
    if (payload < 0 || payload > length - V2_HEADER_BYTES) {
      throw new IllegalArgumentException("not an HdrHistogram: its payload length is wrong");
    }
    halfMagnitude = halfMagnitude(digits);
    unitMagnitude = 63 - Long.numberOfLeadingZeros(lowest);
    int at = b.position();
    int end = at + payload;
    int index = 0;
    int indices = (65 - halfMagnitude - unitMagnitude) << halfMagnitude; // up to 2^63
    byte[] bytes = plain;
    while (at < end) {
      // HdrHistogram's ZigZag LEB128, read straight from the array: up to 9 bytes, the ninth
      // contributing all 8 of its bits
      long v = 0;
      int shift = 0;
      byte x;
      do {
        if (at == end) {
          throw new IllegalArgumentException("not an HdrHistogram: a count runs past its end");
        }
        x = bytes[at++];
        v |= (long) (x & 0x7f) << shift;
        shift += 7;
      } while (x < 0 && shift < 56);
      if (x < 0) {
        if (at == end) {
          throw new IllegalArgumentException("not an HdrHistogram: a count runs past its end");
        }
        v |= (long) (bytes[at++] & 0xff) << 56;
      }
      long count = (v >>> 1) ^ -(v & 1);
      if (count < 0) {
        index += (int) -count; // a run of empty buckets
        continue;
      }
      if (index < 0 || index >= indices) {
        throw new IllegalArgumentException("not an HdrHistogram: a count lies beyond 2^63");
      }
      if (count > 0) {
        add(index, count);
      }
      index++;
    }
    return true;
  }

  /**
   * Records the pairs last read into {@code target}: the highest first and the lowest next, so a
   * fresh target resizes once and never again updates its minimum and maximum (an atomic
   * compare-and-set each time in the library, which ascending order would cost on every pair).
   */
  void addTo(AbstractHistogram target) {
    if (size == 0) {
      return;
    }
    target.recordValueWithCount(value(indices[size - 1]), counts[size - 1]);
    for (int i = 0; i < size - 1; i++) {
      target.recordValueWithCount(value(indices[i]), counts[i]);
    }
  }

  /** Whether {@code encoded} is the deflated V2 encoding (else, if anything, the plain one). */
  static boolean deflated(byte[] encoded) {
    return encoded.length >= 4
        && (ByteBuffer.wrap(encoded).getInt(0) & ~COOKIE_FLAGS) == V2_COMPRESSED_COOKIE_BASE;
  }

  /** Whether the encoding last read has the layout of {@link BucketCounts}. */
  boolean hasRollupLayout() {
    return halfMagnitude == BucketCounts.HALF_MAGNITUDE && unitMagnitude == 0;
  }

  /** Adds the pairs last read to {@code target}, bucket by bucket; needs the rollup layout. */
  void addTo(BucketCounts target) {
    target.add(indices, counts, size);
  }

  private long value(int index) {
    return valueAt(index, halfMagnitude, unitMagnitude);
  }

  /**
   * AbstractHistogram's bucket layout: sub-buckets of half a power of two, so 2·10^digits distinct
   * values per bucket.
   */
  static int halfMagnitude(int digits) {
    int subBucketCountMagnitude = (int) Math.ceil(Math.log(2 * Math.pow(10, digits)) / Math.log(2));
    return Math.max(subBucketCountMagnitude, 1) - 1;
  }

  /** The lowest value of the bucket at counts index {@code index} of that layout. */
  static long valueAt(int index, int halfMagnitude, int unitMagnitude) {
    int halfCount = 1 << halfMagnitude;
    int bucket = (index >> halfMagnitude) - 1;
    int subBucket = (index & (halfCount - 1)) + halfCount;
    if (bucket < 0) {
      subBucket -= halfCount;
      bucket = 0;
    }
    return ((long) subBucket) << (bucket + unitMagnitude);
  }

  /** {@code h} in the plain V2 encoding (what the rollups store: read without inflating). */
  byte[] encode(AbstractHistogram h) {
    int capacity = h.getNeededByteBufferCapacity();
    if (plain.length < capacity) {
      plain = new byte[Math.max(capacity, plain.length * 2)];
    }
    int length = h.encodeIntoByteBuffer(ByteBuffer.wrap(plain));
    return Arrays.copyOf(plain, length);
  }

  private int inflate(ByteBuffer deflated) {
    inflater.reset();
    inflater.setInput(deflated);
    int length = 0;
    try {
      while (!inflater.finished()) {
        if (length == plain.length) {
          plain = Arrays.copyOf(plain, plain.length * 2);
        }
        int n = inflater.inflate(plain, length, plain.length - length);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException("not an HdrHistogram: its deflated body ends early");
        }
        length += n;
      }
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not an HdrHistogram: " + e.getMessage(), e);
    }
    return length;
  }

  private void add(int index, long count) {
    if (size == indices.length) {
      indices = Arrays.copyOf(indices, size * 2);
      counts = Arrays.copyOf(counts, size * 2);
    }
    indices[size] = index;
    counts[size] = count;
    size++;
  }
}
