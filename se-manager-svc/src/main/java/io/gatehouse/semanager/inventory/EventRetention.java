package io.gatehouse.semanager.inventory;

import io.gatehouse.common.Periodic;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the engines' event log to its retention: at start and every hour, the events older than the
 * retention are deleted, so a fleet that connects, drains and reconnects for years does not grow
 * the table for ever. Every replica runs it: deleting what is past a date has the effect of one
 * run.
 */
public final class EventRetention implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventRetention.class);
  static final Duration EVERY = Duration.ofHours(1);

  private final EngineEvents events;
  private final Duration retention;
  private final Clock clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "event-retention");
            t.setDaemon(true);
            return t;
          });

  /**
   * @throws IllegalArgumentException when {@code retention} is not positive
   */
  public EventRetention(EngineEvents events, Duration retention, Clock clock) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("must be positive, was " + retention);
    }
    this.events = events;
    this.retention = retention;
    this.clock = clock;
  }

  /** Prunes now and every hour from now on. */
  public EventRetention start() {
    executor.scheduleWithFixedDelay(
        Periodic.guarded(log, "pruning engine events failed; tried again in an hour", this::prune),
        0,
        EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  /** Deletes the events past the retention; returns how many. */
  public int prune() {
    int pruned = events.prune(clock.instant().minus(retention));
    if (pruned > 0) {
      log.info("pruned {} engine events older than {}", pruned, retention);
    }
    return pruned;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
