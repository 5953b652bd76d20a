package io.gatehouse.sim.tasks;

import java.util.function.IntConsumer;

/**
 * The test mode: a task is only an endpoint (its address and ports), with nothing started behind
 * it. Tests drive its life through the simulator's {@code /sim} API.
 */
public final class FixedTaskRunner implements TaskRunner {
  @Override
  public RunningTask start(TaskSpec spec, IntConsumer onExit) {
    return grace -> {};
  }
}
