package io.gatehouse.analytics.internal;

import io.gatehouse.analytics.ingest.BatchStore;
import io.gatehouse.analytics.logs.LogStore;
import io.gatehouse.common.Periodic;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every minute (and at start): client log partitions for today and tomorrow, partitions past the
 * retention dropped, batch ids older than a day forgotten.
 */
@Context
final class Housekeeping {
  private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "housekeeping");
            t.setDaemon(true);
            return t;
          });

  Housekeeping(LogStore logs, BatchStore batches) {
    executor.scheduleWithFixedDelay(
        Periodic.guarded(
            log,
            "housekeeping failed; tried again in a minute",
            () -> {
              logs.maintain(Clock.systemUTC().instant());
              batches.pruneIds();
            }),
        0,
        1,
        TimeUnit.MINUTES);
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
  }
}
