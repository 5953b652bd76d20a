package io.gatehouse.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PeriodicTest {
  @Test
  void aTaskThatFailsInEveryWayADriverCanRunsAgain() throws InterruptedException {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch fourthRun = new CountDownLatch(1);
    try {
      scheduler.scheduleWithFixedDelay(
          Periodic.guarded(
              LoggerFactory.getLogger(PeriodicTest.class),
              "test work failed; tried again",
              () -> {
                switch (runs.incrementAndGet()) {
                  case 1 -> throw new SQLException("connection lost");
                  case 2 -> throw new IllegalStateException("pool closed");
                  case 3 -> throw new AssertionError("getAutoCommit() should not throw");
                  default -> fourthRun.countDown();
                }
              }),
          0,
          1,
          TimeUnit.MILLISECONDS);
      assertThat(fourthRun.await(10, TimeUnit.SECONDS))
          .as("the schedule survives a checked exception, a runtime one and an AssertionError")
          .isTrue();
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void anErrorTheJvmCannotRecoverFromStillStopsTheTask() {
    Runnable task =
        Periodic.guarded(
            LoggerFactory.getLogger(PeriodicTest.class),
            "test work failed",
            () -> {
              throw new OutOfMemoryError("test");
            });
    assertThatThrownBy(task::run).isInstanceOf(OutOfMemoryError.class);
  }
}
