package io.gatehouse.sim.tasks;

import java.time.Duration;

/** A started task. */
public interface RunningTask {
  /** Asks the task to stop, and forces it after {@code grace}. Idempotent. */
  void stop(Duration grace);

  /**
   * CPU time the task has used, user and system; zero for tasks served inside the simulator (their
   * work cannot be told apart from the simulator's).
   */
  default Duration cpuTime() {
    return Duration.ZERO;
  }
}
