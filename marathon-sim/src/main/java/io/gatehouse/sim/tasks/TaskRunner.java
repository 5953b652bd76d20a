package io.gatehouse.sim.tasks;

import java.util.function.IntConsumer;

/** Starts tasks. */
public interface TaskRunner {
  /**
   * Starts {@code spec}; {@code onExit} is called once, from any thread, with the exit status when
   * the task ends by itself (not after {@link RunningTask#stop}).
   */
  RunningTask start(TaskSpec spec, IntConsumer onExit) throws Exception;

  /** Stops everything this runner started (on shutdown). */
  default void stopAll() {}
}
