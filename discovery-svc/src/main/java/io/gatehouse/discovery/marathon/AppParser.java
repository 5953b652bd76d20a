package io.gatehouse.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an app (an element of {@code GET /v2/apps} or the {@code app} of {@code GET /v2/apps/{id}})
 * in any dialect Marathon has answered in, and resolves each task's endpoints:
 *
 * <ul>
 *   <li>1.5+: {@code networks[].mode} host | container/bridge | container, ports in {@code
 *       portDefinitions} (host) or {@code container.portMappings};
 *   <li>1.0-1.4: {@code container.docker.network} HOST | BRIDGE | USER with {@code
 *       container.docker.portMappings}, IP-per-task through {@code ipAddress} (ports in {@code
 *       ipAddress.discovery.ports});
 *   <li>0.x: app-level {@code ports} (service ports), tasks without {@code state}.
 * </ul>
 *
 * Tasks with host ports are reached at host:hostPort (BRIDGE tasks report a bridge IP that is not
 * routable); IP-per-task tasks have no host ports and are reached at their IP and container port.
 * Unknown fields are ignored and nulls tolerated, since every release adds fields and 0.x sends
 * nulls.
 */
public final class AppParser {
  private AppParser() {}

  /** Parses one app; throws {@link IllegalArgumentException} when it has no id. */
  public static MarathonApp parse(JsonNode app) {
    String id = text(app, "id");
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("app without id");
    }
    NetworkMode mode = networkMode(app);
    List<PortSpec> ports = ports(app, mode);
    List<JsonNode> checks = new ArrayList<>();
    app.path("healthChecks").forEach(checks::add);
    List<MarathonTask> tasks = new ArrayList<>();
    for (JsonNode task : app.path("tasks")) {
      tasks.add(task(task, id, mode, ports, !checks.isEmpty()));
    }
    List<String> deployments = new ArrayList<>();
    app.path("deployments").forEach(d -> deployments.add(d.path("id").asText()));
    return new MarathonApp(
        id,
        text(app, "version"),
        app.path("instances").asInt(0),
        mode,
        ports,
        checks,
        strings(app.path("labels")),
        tasks,
        deployments);
  }

  /** The network mode, from the 1.5+ {@code networks} or the older fields. */
  static NetworkMode networkMode(JsonNode app) {
    JsonNode networks = app.path("networks");
    if (networks.isArray() && networks.size() > 0) {
      return switch (networks.get(0).path("mode").asText("host")) {
        case "container/bridge" -> NetworkMode.BRIDGE;
        case "container" -> NetworkMode.CONTAINER;
        default -> NetworkMode.HOST;
      };
    }
    String dockerNetwork = app.path("container").path("docker").path("network").asText("");
    return switch (dockerNetwork) {
      case "BRIDGE" -> NetworkMode.BRIDGE;
      case "USER" -> NetworkMode.CONTAINER;
      default -> app.hasNonNull("ipAddress") ? NetworkMode.CONTAINER : NetworkMode.HOST;
    };
  }

  private static List<PortSpec> ports(JsonNode app, NetworkMode mode) {
    List<PortSpec> specs = new ArrayList<>();
    JsonNode appPorts = app.path("ports"); // 0.x and 1.0-1.4: service ports, by index
    JsonNode mappings = mappings(app);
    if (mode != NetworkMode.HOST && mappings.size() > 0) {
      for (int i = 0; i < mappings.size(); i++) {
        JsonNode m = mappings.get(i);
        int servicePort = m.path("servicePort").asInt(0);
        if (servicePort == 0) {
          servicePort = appPorts.path(i).asInt(0);
        }
        specs.add(
            new PortSpec(
                i,
                servicePort,
                m.path("containerPort").asInt(0),
                m.path("hostPort").asInt(0),
                m.path("protocol").asText("tcp"),
                text(m, "name"),
                strings(m.path("labels"))));
      }
      return specs;
    }
    JsonNode discovery = app.path("ipAddress").path("discovery").path("ports");
    if (mode == NetworkMode.CONTAINER && discovery.size() > 0) {
      for (int i = 0; i < discovery.size(); i++) {
        JsonNode p = discovery.get(i);
        specs.add(
            new PortSpec(
                i,
                appPorts.path(i).asInt(0),
                p.path("number").asInt(0),
                0,
                p.path("protocol").asText("tcp"),
                text(p, "name"),
                Map.of()));
      }
      return specs;
    }
    JsonNode definitions = app.path("portDefinitions");
    if (definitions.size() > 0) {
      for (int i = 0; i < definitions.size(); i++) {
        JsonNode d = definitions.get(i);
        specs.add(
            new PortSpec(
                i,
                d.path("port").asInt(0),
                0,
                0,
                d.path("protocol").asText("tcp"),
                text(d, "name"),
                strings(d.path("labels"))));
      }
      return specs;
    }
    for (int i = 0; i < appPorts.size(); i++) {
      specs.add(new PortSpec(i, appPorts.get(i).asInt(0), 0, 0, "tcp", null, Map.of()));
    }
    return specs;
  }

  private static JsonNode mappings(JsonNode app) {
    JsonNode container = app.path("container");
    JsonNode modern = container.path("portMappings");
    if (modern.isArray() && modern.size() > 0) {
      return modern;
    }
    return container.path("docker").path("portMappings");
  }

  private static MarathonTask task(
      JsonNode task, String appId, NetworkMode mode, List<PortSpec> ports, boolean hasChecks) {
    List<Integer> hostPorts = new ArrayList<>();
    task.path("ports").forEach(p -> hostPorts.add(p.asInt()));
    List<String> ips = new ArrayList<>();
    task.path("ipAddresses").forEach(ip -> ips.add(ip.path("ipAddress").asText()));
    String host = text(task, "host");
    TaskState state = state(task);
    Health health = health(task, hasChecks);
    List<Endpoint> endpoints = new ArrayList<>();
    int count = Math.max(ports.size(), hostPorts.size());
    for (int i = 0; i < count; i++) {
      if (i < hostPorts.size() && hostPorts.get(i) > 0 && host != null) {
        endpoints.add(new Endpoint(i, host, hostPorts.get(i)));
      } else if (mode == NetworkMode.CONTAINER
          && !ips.isEmpty()
          && i < ports.size()
          && ports.get(i).containerPort() > 0) {
        endpoints.add(new Endpoint(i, ips.get(0), ports.get(i).containerPort()));
      }
    }
    boolean routable =
        state == TaskState.RUNNING && (health == Health.NO_CHECKS || health == Health.HEALTHY);
    return new MarathonTask(
        text(task, "id"),
        appId,
        text(task, "slaveId"),
        host,
        hostPorts,
        ips,
        state,
        health,
        endpoints,
        text(task, "stagedAt"),
        text(task, "startedAt"),
        text(task, "version"),
        routable);
  }

  /** 0.x tasks have no state: started means running. */
  private static TaskState state(JsonNode task) {
    if (task.hasNonNull("state")) {
      return TaskState.of(task.get("state").asText());
    }
    return task.hasNonNull("startedAt") ? TaskState.RUNNING : TaskState.STAGING;
  }

  /**
   * No checks: judged by state alone. Otherwise every result must be alive; no result yet is
   * PENDING. Results are keyed taskId up to 1.3 and instanceId after; they sit under their task
   * either way.
   */
  private static Health health(JsonNode task, boolean hasChecks) {
    if (!hasChecks) {
      return Health.NO_CHECKS;
    }
    JsonNode results = task.path("healthCheckResults");
    if (!results.isArray() || results.isEmpty()) {
      return Health.PENDING;
    }
    for (JsonNode result : results) {
      if (!result.path("alive").asBoolean(false)) {
        return Health.UNHEALTHY;
      }
    }
    return Health.HEALTHY;
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    if (object.isObject()) {
      for (Map.Entry<String, JsonNode> e : object.properties()) {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
