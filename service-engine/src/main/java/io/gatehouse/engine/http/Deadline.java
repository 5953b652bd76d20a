package io.gatehouse.engine.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A timeout that is armed and disarmed on every request but rarely expires: arming only moves the
 * deadline, and one scheduled check per timeout period looks at it (as Netty's IdleStateHandler
 * does), instead of a scheduled task per request. Event-loop confined.
 */
final class Deadline {
  private final EventExecutor executor;
  private final Runnable onExpiry;
  private long deadline; // System.nanoTime(); 0 while disarmed
  private long checkAt;
  private ScheduledFuture<?> check;

  Deadline(EventExecutor executor, Runnable onExpiry) {
    this.executor = executor;
    this.onExpiry = onExpiry;
  }

  /** Expires {@code timeoutNanos} from now unless disarmed or armed again before. */
  void arm(long timeoutNanos) {
    long now = System.nanoTime();
    deadline = now + timeoutNanos;
    if (deadline == 0) {
      deadline = 1;
    }
    if (check != null && checkAt - deadline > 0) {
      check.cancel(false); // the pending check would come too late
      check = null;
    }
    if (check == null) {
      schedule(timeoutNanos);
    }
  }

  void disarm() {
    deadline = 0;
  }

  /** Disarms and drops the pending check (the connection is closing). */
  void cancel() {
    deadline = 0;
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  private void schedule(long delayNanos) {
    checkAt = System.nanoTime() + delayNanos;
    check = executor.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void check() {
    check = null;
    if (deadline == 0) {
      return;
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      schedule(left);
    } else {
      deadline = 0;
      onExpiry.run();
    }
  }
}
