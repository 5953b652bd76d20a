package io.gatehouse.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * An app as Marathon defines it, whatever dialect it was read in.
 *
 * @param healthChecks the app's health check definitions, as Marathon gives them
 */
public record MarathonApp(
    String id,
    String version,
    int instances,
    NetworkMode networkMode,
    List<PortSpec> ports,
    List<JsonNode> healthChecks,
    Map<String, String> labels,
    List<MarathonTask> tasks,
    List<String> deploymentIds) {

  /** The same app with {@code tasks} instead of its own. */
  public MarathonApp withTasks(List<MarathonTask> tasks) {
    return new MarathonApp(
        id, version, instances, networkMode, ports, healthChecks, labels, tasks, deploymentIds);
  }

  /** The endpoints for port {@code index} of every routable task. */
  public List<Endpoint> routableEndpoints(int index) {
    return tasks.stream()
        .filter(MarathonTask::routable)
        .flatMap(t -> t.endpoints().stream())
        .filter(e -> e.portIndex() == index)
        .toList();
  }
}
