package io.gatehouse.analytics.internal;

import io.gatehouse.analytics.ingest.BatchStore;
import io.gatehouse.analytics.logs.LogStore;
import io.gatehouse.analytics.rollup.RollupStore;
import io.gatehouse.common.Periodic;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every minute (and at start): client log partitions for today and tomorrow, partitions past the
 * retention dropped, rollup rows past their level's retention deleted, batch ids older than a day
 * forgotten.
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

  Housekeeping(LogStore logs, BatchStore batches, DataSource dataSource) {
    executor.scheduleWithFixedDelay(
        Periodic.guarded(
            log,
            "housekeeping failed; tried again in a minute",
            () -> {
              Instant now = Clock.systemUTC().instant();
              logs.maintain(now);
              try (Connection c = dataSource.getConnection()) {
                int pruned = RollupStore.prune(c, now);
                if (pruned > 0) {
                  log.debug("pruned {} rollup rows past retention", pruned);
                }
              }
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
