package io.gatehouse.analytics.rollup;

import java.time.Duration;
import java.time.Instant;

/** The rollup granularities, each with how long its rows are kept (Avi's defaults). */
public enum Level {
  FIVE_SECONDS(Duration.ofSeconds(5), Duration.ofHours(1)),
  ONE_MINUTE(Duration.ofMinutes(1), Duration.ofDays(1)),
  ONE_HOUR(Duration.ofHours(1), Duration.ofDays(7)),
  ONE_DAY(Duration.ofDays(1), Duration.ofDays(366));

  private final Duration step;
  private final Duration retention;

  Level(Duration step, Duration retention) {
    this.step = step;
    this.retention = retention;
  }

  public Duration step() {
    return step;
  }

  public Duration retention() {
    return retention;
  }

  /** The level's value in the database: its step in seconds. */
  public int seconds() {
    return (int) step.getSeconds();
  }

  /** The start of the bucket of this level that holds {@code time}. */
  public Instant bucket(Instant time) {
    long s = time.getEpochSecond();
    return Instant.ofEpochSecond(s - Math.floorMod(s, step.getSeconds()));
  }

  /** Whether rows of this level still exist for {@code time} (retention not yet passed). */
  public boolean retains(Instant time, Instant now) {
    return !bucket(time).isBefore(now.minus(retention));
  }
}
