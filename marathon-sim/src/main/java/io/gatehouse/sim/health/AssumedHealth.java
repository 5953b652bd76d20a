package io.gatehouse.sim.health;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.marathon.Marathon;
import java.util.List;
import java.util.function.Supplier;

/**
 * Health in the fixed-endpoint test mode, where nothing listens: every check passes as soon as a
 * task runs, until a test says otherwise through {@code POST /sim/tasks/{id}/health}.
 */
public final class AssumedHealth implements Marathon.Health {
  private final Supplier<Marathon> marathon;

  public AssumedHealth(Supplier<Marathon> marathon) {
    this.marathon = marathon;
  }

  @Override
  public void watch(
      String appId, ObjectNode app, String taskId, String address, List<Integer> ports) {
    for (int i = 0; i < app.get("healthChecks").size(); i++) {
      marathon.get().reportHealth(taskId, i, true, null);
    }
  }

  @Override
  public void forget(String taskId) {}
}
