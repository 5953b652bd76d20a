package io.gatehouse.analytics.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
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
      byte[] compressed = libraryEncoding(source);
      library.add(decode(compressed));
      HistogramCodec codec = HistogramCodec.get();
      assertThat(codec.read(compressed)).isTrue();
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
    assertThat(decode(ours)).isEqualTo(source);
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
