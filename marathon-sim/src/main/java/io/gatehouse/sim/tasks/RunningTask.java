package io.gatehouse.sim.tasks;

import java.time.Duration;

/** A started task. */
public interface RunningTask {
  /** Asks the task to stop, and forces it after {@code grace}. Idempotent. */
  void stop(Duration grace);
}
