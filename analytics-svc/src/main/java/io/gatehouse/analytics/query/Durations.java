package io.gatehouse.analytics.query;

import com.google.protobuf.Duration;

/** Microsecond figures (how the store keeps times) as protobuf durations. */
final class Durations {
  private Durations() {}

  static Duration micros(long micros) {
    return Duration.newBuilder()
        .setSeconds(micros / 1_000_000)
        .setNanos((int) (micros % 1_000_000) * 1000)
        .build();
  }
}
