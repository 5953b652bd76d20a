package io.gatehouse.discovery.marathon;

import java.util.List;

/** Marathon refused a change because deployments of the app are running (409). */
public final class DeploymentLockedException extends MarathonException {
  private final List<String> deploymentIds;

  public DeploymentLockedException(String message, List<String> deploymentIds) {
    super(409, message);
    this.deploymentIds = List.copyOf(deploymentIds);
  }

  public List<String> deploymentIds() {
    return deploymentIds;
  }
}
