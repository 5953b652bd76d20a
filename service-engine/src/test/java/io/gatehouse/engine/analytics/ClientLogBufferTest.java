package io.gatehouse.engine.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.Significance;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientLogBufferTest {
  private static final long FAST = Duration.ofMillis(5).toNanos();
  private static final long SLOW = Duration.ofSeconds(2).toNanos();

  @Test
  void significantRequestsAreAlwaysWantedAndOrdinaryOnesOnlyWhereTheServiceAsks() {
    ClientLogBuffer logs =
        new ClientLogBuffer(ClientLogBuffer.Mode.SIGNIFICANT, Duration.ofSeconds(1), 10);

    assertThat(logs.wants(false, 0, 200, FAST)).isFalse();
    assertThat(logs.wants(true, 0, 200, FAST)).as("the service's full client logs").isTrue();
    assertThat(logs.wants(false, 0, 503, FAST)).isTrue();
    assertThat(logs.wants(false, 0, 404, FAST)).isTrue();
    assertThat(logs.wants(false, 0, 200, SLOW)).isTrue();
    assertThat(logs.significance(502, FAST, 0)).isEqualTo(Significance.SIGNIFICANCE_SERVER_ERROR);
    assertThat(logs.significance(200, SLOW, 0)).isEqualTo(Significance.SIGNIFICANCE_SLOW);
    assertThat(logs.significance(200, FAST, 0)).isEqualTo(Significance.SIGNIFICANCE_UNSPECIFIED);

    ClientLogBuffer off = new ClientLogBuffer(ClientLogBuffer.Mode.OFF, Duration.ofSeconds(1), 10);
    assertThat(off.wants(true, 0, 503, SLOW)).isFalse();
    ClientLogBuffer all = new ClientLogBuffer(ClientLogBuffer.Mode.ALL, Duration.ofSeconds(1), 10);
    assertThat(all.wants(false, 0, 200, FAST)).isTrue();
  }

  @Test
  void aVirtualServiceSaysWhatIsSlowForItAndFullLogsEndWhenItsPolicySays() {
    ClientLogBuffer logs =
        new ClientLogBuffer(ClientLogBuffer.Mode.SIGNIFICANT, Duration.ofSeconds(1), 10);
    long fiftyMillis = Duration.ofMillis(50).toNanos();

    assertThat(logs.wants(false, fiftyMillis, 200, FAST)).isFalse();
    assertThat(logs.wants(false, fiftyMillis, 200, Duration.ofMillis(60).toNanos())).isTrue();
    assertThat(logs.significance(200, Duration.ofMillis(60).toNanos(), fiftyMillis))
        .isEqualTo(Significance.SIGNIFICANCE_SLOW);
    assertThat(logs.significance(200, Duration.ofMillis(60).toNanos(), 0))
        .as("the engine's default: 1 s")
        .isEqualTo(Significance.SIGNIFICANCE_UNSPECIFIED);

    java.time.Instant end = java.time.Instant.parse("2026-12-04T10:30:00Z");
    io.gatehouse.engine.config.ClientLogPolicy thirtyMinutes =
        new io.gatehouse.engine.config.ClientLogPolicy(true, end, null);
    assertThat(thirtyMinutes.fullAt(end.toEpochMilli() - 1)).isTrue();
    assertThat(thirtyMinutes.fullAt(end.toEpochMilli())).isFalse();
    assertThat(
            new io.gatehouse.engine.config.ClientLogPolicy(true, null, null).fullAt(Long.MAX_VALUE))
        .as("no end")
        .isTrue();
  }

  @Test
  void aFullBufferDropsAndCountsInsteadOfWaiting() {
    ClientLogBuffer logs = new ClientLogBuffer(ClientLogBuffer.Mode.ALL, Duration.ofSeconds(1), 3);
    for (int i = 0; i < 5; i++) {
      ClientLogRecord record = new ClientLogRecord();
      record.requestId = "r" + i;
      logs.add(record);
    }

    assertThat(logs.drain(10))
        .extracting(bytes -> ClientLog.parseFrom(bytes).getRequestId())
        .containsExactly("r0", "r1", "r2");
    assertThat(logs.droppedTotal()).isEqualTo(2);
    logs.add(new ClientLogRecord());
    logs.dropAll();
    assertThat(logs.drain(10)).isEmpty();
    assertThat(logs.droppedTotal()).isEqualTo(3);
  }
}
