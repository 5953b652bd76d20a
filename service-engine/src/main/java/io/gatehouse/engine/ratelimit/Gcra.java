package io.gatehouse.engine.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket kept as one number, the time the bucket is next empty (the generic cell rate
 * algorithm): a request is let through when that time is at most {@code burst} intervals ahead of
 * now, and moves it one interval on. Safe for any number of threads, without locks.
 */
final class Gcra {
  private final long interval; // nanoseconds per token
  private final long tolerance; // how far ahead of now the bucket may be: the burst
  private final AtomicLong emptyAt;

  /**
   * @param perSecond steady rate, at least 1
   * @param burst what it lets through at once above the steady rate
   * @param now the current {@link System#nanoTime()}: the bucket starts full
   */
  Gcra(int perSecond, int burst, long now) {
    this.interval = 1_000_000_000L / perSecond;
    this.tolerance = interval * burst;
    this.emptyAt = new AtomicLong(now - interval);
  }

  /** Takes a token at {@code now} (nanoseconds); false when the bucket is empty. */
  boolean tryAcquire(long now) {
    while (true) {
      long current = emptyAt.get();
      long from = Math.max(current, now);
      if (from - now > tolerance) {
        return false;
      }
      if (emptyAt.compareAndSet(current, from + interval)) {
        return true;
      }
    }
  }
}
