package io.gatehouse.analytics.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HistogramCodecTest {
  private final Random random = new Random(7);

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void readingIntoATargetIsTheLibrarysOwnDecodeAndAdd(int digits) {
    Histogram library = new Histogram(RollupRow.DIGITS);
    Histogram ours = new Histogram(RollupRow.DIGITS);
    for (int round = 0; round < 20; round++) {
      Histogram source = randomHistogram(digits);
      library.add(source);
      // engines send the plain encoding, older engines and rollups have the deflated one
      byte[] encoded = round % 2 == 0 ? plainEncoding(source) : libraryEncoding(source);
      HistogramCodec codec = HistogramCodec.get();
      assertThat(codec.read(encoded)).isTrue();
      codec.addTo(ours);
    }
    assertThat(ours).isEqualTo(library);
    assertThat(ours.getTotalCount()).isEqualTo(library.getTotalCount());
    assertThat(ours.getValueAtPercentile(99.9)).isEqualTo(library.getValueAtPercentile(99.9));
  }

  @Test
  void whatItEncodesTheLibraryDecodes() {
    Histogram source = randomHistogram(2);
    byte[] ours = HistogramCodec.get().encode(source);
    assertThat(Histogram.decodeFromByteBuffer(ByteBuffer.wrap(ours), 0)).isEqualTo(source);
    assertThat(ours.length).isLessThan(source.getNeededByteBufferCapacity());
  }

  @Test
  void anEmptyHistogramReadsAsNoValues() {
    HistogramCodec codec = HistogramCodec.get();
    assertThat(codec.read(libraryEncoding(new Histogram(2)))).isTrue();
    Histogram target = new Histogram(2);
    codec.addTo(target);
    assertThat(target.getTotalCount()).isZero();
  }

  @Test
  void aShiftedHistogramIsLeftToTheLibrary() {
    Histogram shifted = new Histogram(1, 1L << 40, 2);
    shifted.recordValue(1000);
    shifted.shiftValuesLeft(2);
    assertThat(HistogramCodec.get().read(libraryEncoding(shifted))).isFalse();
  }

  @Test
  void bytesThatAreNoHistogramAreRefusedWithAReason() {
    byte[] good = libraryEncoding(randomHistogram(2));
    byte[] truncated = Arrays.copyOf(good, good.length / 2);
    assertThatThrownBy(() -> HistogramCodec.get().read(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an HdrHistogram");
    byte[] garbage = good.clone();
    Arrays.fill(garbage, 8, garbage.length, (byte) 0x5a);
    assertThatThrownBy(() -> HistogramCodec.get().read(garbage))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an HdrHistogram");
    assertThat(HistogramCodec.get().read(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9})).isFalse();
  }

  @Test
  void countsThatRunPastTheirEndOrBeyondAnyValueAreRefused() {
    byte[] plain = plainEncoding(randomHistogram(2));
    ByteBuffer header = ByteBuffer.wrap(plain);
    int payload = header.getInt(4);
    byte[] open = plain.clone();
    open[40 + payload - 1] = (byte) 0x80; // the last count says another byte follows
    assertThatThrownBy(() -> HistogramCodec.get().read(compress(open)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runs past its end");
    byte[] far = Arrays.copyOf(plain, 40 + 4);
    ByteBuffer.wrap(far).putInt(4, 4);
    far[40] = (byte) 0xfd; // zigzag -(2^20 + 63): a run of empty buckets past any value
    far[41] = (byte) 0xff;
    far[42] = (byte) 0x7f;
    far[43] = 2; // then a count of 1
    assertThatThrownBy(() -> HistogramCodec.get().read(compress(far)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("beyond 2^63");
  }

  /** The uncompressed V2 encoding: a 40-byte header, then the counts. */
  private static byte[] plainEncoding(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoByteBuffer(buffer);
    return Arrays.copyOf(buffer.array(), length);
  }

  /** {@code plain} deflated behind the compressed encoding's 8-byte header. */
  private static byte[] compress(byte[] plain) {
    Deflater deflater = new Deflater();
    deflater.setInput(plain);
    deflater.finish();
    byte[] out = new byte[plain.length + 64];
    int n = deflater.deflate(out, 8, out.length - 8);
    deflater.end();
    ByteBuffer.wrap(out).putInt(0x1c849304 | 0x10).putInt(n);
    return Arrays.copyOf(out, 8 + n);
  }

  /** Values from 0 to beyond 2^32 microseconds, with repeats, as engines record them. */
  private Histogram randomHistogram(int digits) {
    Histogram h = new Histogram(digits);
    int n = 1 + random.nextInt(2000);
    for (int i = 0; i < n; i++) {
      long value =
          switch (random.nextInt(4)) {
            case 0 -> random.nextInt(100);
            case 1 -> random.nextInt(100_000);
            case 2 -> (long) (random.nextDouble() * random.nextDouble() * 60_000_000);
            default -> (long) (random.nextDouble() * (1L << 33));
          };
      h.recordValueWithCount(value, 1 + random.nextInt(3));
    }
    return h;
  }

  private static byte[] libraryEncoding(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Arrays.copyOf(buffer.array(), length);
  }

  private static Histogram decode(byte[] compressed) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(compressed), 0);
    } catch (DataFormatException e) {
      throw new AssertionError(e);
    }
  }
}
