package io.gatehouse.semanager.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How many engines a group may still start now: a token bucket that refills at the group's spawn
 * rate per minute and holds at most one minute's worth.
 */
final class SpawnBudget {
  private final Clock clock;
  private int perMinute;
  private double tokens;
  private Instant refilled;

  SpawnBudget(int perMinute, Clock clock) {
    this.clock = clock;
    this.perMinute = perMinute;
    this.tokens = perMinute;
    this.refilled = clock.instant();
  }

  /** Takes one start if the budget allows it. */
  boolean take(int currentPerMinute) {
    Instant now = clock.instant();
    perMinute = currentPerMinute;
    double minutes = Duration.between(refilled, now).toNanos() / 60e9;
    tokens = Math.min(perMinute, tokens + minutes * perMinute);
    refilled = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
