package io.gatehouse.semanager.lifecycle;

import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.NodeDriver;
import io.gatehouse.semanager.inventory.Inventory;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, restarts and looks at engines through their node's driver for the reconciler: each start
 * within its group's spawn rate (per minute), recorded in the inventory with why, and a driver's
 * failure recorded there too.
 */
final class EngineStarts {
  private static final Logger log = LoggerFactory.getLogger(EngineStarts.class);
  private static final int DEFAULT_SPAWN_RATE = 25;

  private final Inventory inventory;
  private final Clock clock;
  private final Map<String, SpawnBudget> budgets = new HashMap<>();

  EngineStarts(Inventory inventory, Clock clock) {
    this.inventory = inventory;
    this.clock = clock;
  }

  /** Starts the engine of {@code spec} when its group's budget allows; else the next pass tries. */
  void start(NodeDriver driver, EngineSpec spec, String event, String message) {
    if (!budgetOf(spec.group()).take(spawnRate(spec.group()))) {
      return; // the next pass tries again
    }
    try {
      driver.start(spec);
      inventory.transition(
          spec.seId(), ServiceEngineState.SERVICE_ENGINE_STATE_STARTING, event, message);
      log.info("engine {}: {} ({})", spec.seId(), event.toLowerCase(), message);
    } catch (DriverException e) {
      inventory.transition(
          spec.seId(),
          ServiceEngineState.SERVICE_ENGINE_STATE_FAILED,
          "DRIVER_FAILED",
          driver.method() + " could not start it: " + e.getMessage());
      log.warn(
          "engine {}: {} could not start it: {}", spec.seId(), driver.method(), e.getMessage());
    }
  }

  /** Stops the engine of {@code spec} (a failure is logged) and starts it again. */
  void restart(NodeDriver driver, EngineSpec spec, String event, String message) {
    try {
      driver.stop(spec);
    } catch (DriverException e) {
      log.warn("engine {}: {} could not stop it: {}", spec.seId(), driver.method(), e.getMessage());
    }
    start(driver, spec, event, message);
  }

  /** Whether the engine of {@code spec} runs; true when the driver cannot tell. */
  boolean running(NodeDriver driver, EngineSpec spec) {
    try {
      return driver.running(spec);
    } catch (DriverException e) {
      log.warn(
          "engine {}: {} cannot tell whether it runs: {}",
          spec.seId(),
          driver.method(),
          e.getMessage());
      return true; // unknown: wait for lostAfter rather than start a second one
    }
  }

  private SpawnBudget budgetOf(ServiceEngineGroup group) {
    return budgets.computeIfAbsent(
        group.getMeta().getName(), g -> new SpawnBudget(spawnRate(group), clock));
  }

  private static int spawnRate(ServiceEngineGroup group) {
    return group.getSpawnRatePerMinute() == 0 ? DEFAULT_SPAWN_RATE : group.getSpawnRatePerMinute();
  }
}
