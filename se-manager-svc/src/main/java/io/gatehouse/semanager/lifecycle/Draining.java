package io.gatehouse.semanager.lifecycle;

import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.inventory.Inventory;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Engines on their way out. An engine is told to drain (no new connections, and until a deadline
 * for those open), recorded as draining, and left through its driver once it has drained or its
 * time is up; at once when it is not connected, since there is nothing to drain. Meanwhile the
 * reconciler leaves it alone ({@link #contains}), and a second request to drain it is left to the
 * first.
 */
final class Draining {
  private static final Logger log = LoggerFactory.getLogger(Draining.class);

  /** What is done with an engine once it has drained. */
  interface Leave {
    void run() throws DriverException;
  }

  private final Inventory inventory;
  private final Object lock;
  private final Executor executor;
  private final Runnable afterLeave;
  private final Set<String> engines = ConcurrentHashMap.newKeySet();
  private volatile EngineDrain drain = EngineDrain.NONE;
  private volatile Duration timeout = Duration.ZERO;

  /**
   * @param lock the reconciler's: a leave after a drain runs under it, as the reconciler's own work
   * @param executor where a leave after a drain runs
   * @param afterLeave run after such a leave (the reconciler's next pass)
   */
  Draining(Inventory inventory, Object lock, Executor executor, Runnable afterLeave) {
    this.inventory = inventory;
    this.lock = lock;
    this.executor = executor;
    this.afterLeave = afterLeave;
  }

  /** Drains through {@code drain}, giving open connections up to {@code timeout}, from now on. */
  void use(EngineDrain drain, Duration timeout) {
    this.drain = drain;
    this.timeout = timeout;
  }

  /**
   * Whether an engine is on its way out: draining here, or recorded as draining (by an operator's
   * request another replica serves) no longer ago than a drain and a lost engine's wait ({@code
   * lostAfter}) may take. A drain older than that was left by a replica that is gone: the engine is
   * dealt with as any.
   */
  boolean holds(String id, Inventory.Engine engine, Instant now, Duration lostAfter) {
    if (contains(id)) {
      return true;
    }
    return engine != null
        && engine.state() == ServiceEngineState.SERVICE_ENGINE_STATE_DRAINING
        && Duration.between(engine.stateChangedAt(), now).compareTo(timeout.plus(lostAfter)) < 0;
  }

  /** Whether {@code engineId} is draining (or being left). */
  boolean contains(String engineId) {
    return engines.contains(engineId);
  }

  /**
   * Drains {@code engine}, then runs {@code leave}: at once, on the caller's thread, when the
   * engine has nothing to drain (a driver's failure is then the caller's to report), else once it
   * has drained or its time is up.
   */
  void then(Inventory.Engine engine, String why, Leave leave) throws DriverException {
    if (!engines.add(engine.id())) {
      return;
    }
    CompletableFuture<Long> drained = drain.drain(engine.id(), why, timeout);
    if (drained.isDone()) {
      try {
        leave.run();
      } finally {
        engines.remove(engine.id());
      }
      return;
    }
    inventory.transition(
        engine.id(), ServiceEngineState.SERVICE_ENGINE_STATE_DRAINING, "DRAINING", why);
    log.info("engine {} drains for up to {} before it stops: {}", engine.id(), timeout, why);
    drained
        .completeOnTimeout(null, timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)
        .whenCompleteAsync((left, error) -> leaveDrained(engine, left, leave), executor);
  }

  private void leaveDrained(Inventory.Engine engine, Long left, Leave leave) {
    synchronized (lock) {
      if (left != null && left > 0) {
        log.info("engine {} drained; {} connections were still open", engine.id(), left);
      }
      try {
        leave.run();
      } catch (DriverException e) {
        log.warn("engine {} drained, but could not be stopped: {}", engine.id(), e.getMessage());
      } finally {
        engines.remove(engine.id());
      }
    }
    afterLeave.run();
  }
}
