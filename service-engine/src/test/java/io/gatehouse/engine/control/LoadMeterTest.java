package io.gatehouse.engine.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.semanager.v1.LoadFigures;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadMeterTest {
  private final AtomicLong open = new AtomicLong(5);
  private final AtomicLong requests = new AtomicLong(1_000);
  private final AtomicLong cpu = new AtomicLong(0);
  private final AtomicLong resident = new AtomicLong(64L << 20);
  private final AtomicLong dropped = new AtomicLong(2);
  private final AtomicLong now = new AtomicLong(0);
  private final LoadMeter meter =
      new LoadMeter(open::get, requests::get, cpu::get, resident::get, dropped::get, now::get);

  @Test
  void ratesAreOverTheTimeSinceTheLastReading() {
    LoadFigures first = meter.read();
    assertThat(first.getOpenConnections()).isEqualTo(5);
    assertThat(first.getResidentMemoryBytes()).isEqualTo(64L << 20);
    assertThat(first.getAnalyticsDropped()).isEqualTo(2);
    assertThat(first.getRequestsPerSecond()).as("no rate before a second reading").isZero();

    now.set(10_000_000_000L); // 10 s on
    requests.addAndGet(5_000);
    cpu.set(5_000_000_000L); // half a CPU for 10 s
    LoadFigures second = meter.read();
    assertThat(second.getRequestsPerSecond()).isEqualTo(500.0);
    assertThat(second.getCpuUsed()).isEqualTo(0.5);
  }

  @Test
  void aCountThatFallsWithARemovedServiceIsNoNegativeRateAndUnknownsAreLeftOut() {
    meter.read();
    now.set(1_000_000_000L);
    requests.set(10); // the busy service was removed, and its count with it
    cpu.set(-1); // not known on this platform
    resident.set(-1);
    LoadFigures figures = meter.read();
    assertThat(figures.getRequestsPerSecond()).isZero();
    assertThat(figures.getCpuUsed()).isZero();
    assertThat(
            figures.hasField(LoadFigures.getDescriptor().findFieldByName("resident_memory_bytes")))
        .isFalse();
  }
}
