package io.gatehouse.common;

import org.slf4j.Logger;

/**
 * Work that runs again and again on a schedule and that no failure may end. A {@code
 * ScheduledExecutorService} silently cancels a task that throws anything, and JDBC drivers throw
 * more than {@code SQLException}: PostgreSQL's even throws an {@code AssertionError} when the
 * server goes away in the middle of a batch. So every failure is logged and the next run tries
 * again; only errors the JVM cannot recover from (out of memory) stop the task, loudly.
 */
public final class Periodic {
  /** One run of the work. */
  @FunctionalInterface
  public interface Work {
    void run() throws Exception;
  }

  private Periodic() {}

  /**
   * {@code work} as a task for a scheduler; a failure is logged as {@code "<failed>: <error>"}, so
   * {@code failed} says what failed and what happens next ("rolling up failed; tried again...").
   */
  public static Runnable guarded(Logger log, String failed, Work work) {
    return () -> {
      try {
        work.run();
      } catch (Exception | AssertionError e) {
        log.warn("{}: {}", failed, e.toString());
      } catch (Error e) {
        log.error("{}; this periodic task stops: {}", failed, e.toString(), e);
        throw e;
      }
    };
  }
}
