package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.events.Timestamps;
import java.time.Instant;

/** Renders apps, tasks and deployments as Marathon 1.x answers them. */
final class AppJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What to embed in an app. */
  record Embed(
      boolean tasks,
      boolean counts,
      boolean deployments,
      boolean readiness,
      boolean lastTaskFailure) {}

  private AppJson() {}

  /** Fields Marathon 1.5+ leaves out of its answers when they are null or empty. */
  private static final String[] OMITTED_WHEN_EMPTY = {
    "cmd",
    "args",
    "user",
    "env",
    "constraints",
    "uris",
    "fetch",
    "healthChecks",
    "readinessChecks",
    "dependencies"
  };

  static ObjectNode app(App app, Embed embed) {
    ObjectNode json = app.definition.deepCopy();
    for (String field : OMITTED_WHEN_EMPTY) {
      var value = json.get(field);
      if (value != null && (value.isNull() || (value.isContainerNode() && value.isEmpty()))) {
        json.remove(field);
      }
    }
    json.put("version", app.version);
    ObjectNode versionInfo = json.putObject("versionInfo");
    versionInfo.put("lastScalingAt", app.lastScalingAt);
    versionInfo.put("lastConfigChangeAt", app.lastConfigChangeAt);
    if (embed.counts()) {
      int staged = 0;
      int running = 0;
      int healthy = 0;
      int unhealthy = 0;
      for (Task t : app.tasks) {
        if (t.state.equals("TASK_STAGING") || t.state.equals("TASK_STARTING")) {
          staged++;
        } else if (t.isRunning()) {
          running++;
          if (app.hasHealthChecks() && t.health.stream().allMatch(h -> h.known)) {
            if (t.healthy()) {
              healthy++;
            } else {
              unhealthy++;
            }
          }
        }
      }
      json.put("tasksStaged", staged);
      json.put("tasksRunning", running);
      json.put("tasksHealthy", healthy);
      json.put("tasksUnhealthy", unhealthy);
    }
    if (embed.deployments()) {
      ArrayNode deployments = json.putArray("deployments");
      if (app.deployment != null) {
        deployments.addObject().put("id", app.deployment.id());
      }
    }
    if (embed.readiness()) {
      json.putArray("readinessCheckResults");
    }
    if (embed.tasks()) {
      ArrayNode tasks = json.putArray("tasks");
      app.tasks.forEach(t -> tasks.add(task(app, t)));
    }
    if (embed.lastTaskFailure() && app.lastTaskFailure != null) {
      json.set("lastTaskFailure", app.lastTaskFailure);
    }
    return json;
  }

  static ObjectNode task(App app, Task task) {
    ObjectNode json = NODES.objectNode();
    ArrayNode ips = json.putArray("ipAddresses");
    ips.addObject().put("ipAddress", task.ipAddress).put("protocol", "IPv4");
    json.put("stagedAt", Timestamps.format(task.stagedAt));
    json.put("state", task.state);
    ArrayNode ports = json.putArray("ports");
    task.hostPorts.forEach(ports::add);
    if (task.startedAt != null) {
      json.put("startedAt", Timestamps.format(task.startedAt));
    }
    json.put("version", task.version);
    json.put("id", task.id);
    json.put("appId", app.id());
    json.put("slaveId", task.agent.id());
    json.put("host", task.agent.hostname());
    json.putArray("servicePorts");
    json.putArray("localVolumes");
    ArrayNode results = json.putArray("healthCheckResults");
    for (Task.HealthResult h : task.health) {
      if (!h.known) {
        continue;
      }
      ObjectNode r = results.addObject();
      r.put("alive", h.alive);
      r.put("consecutiveFailures", h.consecutiveFailures);
      putTime(r, "firstSuccess", h.firstSuccess);
      putTime(r, "lastFailure", h.lastFailure);
      putTime(r, "lastSuccess", h.lastSuccess);
      r.put("lastFailureCause", h.lastFailureCause);
      r.put("instanceId", task.instanceId);
    }
    return json;
  }

  /** A task as the Mesos master lists it in its framework's tasks. */
  static ObjectNode mesosTask(App app, Task t, String frameworkId) {
    ObjectNode task = NODES.objectNode();
    task.put("id", t.id);
    task.put("name", app.id().substring(1).replace('/', '.'));
    task.put("framework_id", frameworkId);
    task.put("executor_id", "");
    task.put("slave_id", t.agent.id());
    task.put("state", t.state);
    ObjectNode resources = task.putObject("resources");
    resources.put("cpus", app.definition.get("cpus").asDouble());
    resources.put("mem", app.definition.get("mem").asDouble());
    resources.put("disk", app.definition.get("disk").asDouble());
    if (!t.hostPorts.isEmpty()) {
      resources.put("ports", portRanges(t.hostPorts));
    }
    ObjectNode status = task.putArray("statuses").addObject();
    status.put("state", t.state);
    status.put("timestamp", t.stagedAt.toEpochMilli() / 1000.0);
    status
        .putObject("container_status")
        .putArray("network_infos")
        .addObject()
        .putArray("ip_addresses")
        .addObject()
        .put("ip_address", t.ipAddress);
    return task;
  }

  /** Ports as Mesos writes a ranges resource, e.g. "[31000-31000, 31005-31005]". */
  static String portRanges(java.util.List<Integer> ports) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    ports.stream().sorted().forEach(p -> parts.add(p + "-" + p));
    return "[" + String.join(", ", parts) + "]";
  }

  static ObjectNode deployment(Deployment d, int currentStep) {
    ObjectNode json = NODES.objectNode();
    json.put("id", d.id());
    json.put("version", d.version());
    json.putArray("affectedApps").add(d.appId());
    json.putArray("affectedPods");
    json.set("steps", steps(d));
    ArrayNode current = json.putArray("currentActions");
    current
        .addObject()
        .put("action", d.actions().get(Math.min(currentStep, d.actions().size()) - 1))
        .put("app", d.appId())
        .putArray("readinessCheckResults");
    json.put("currentStep", currentStep);
    json.put("totalSteps", d.actions().size());
    return json;
  }

  /** A light plan (plan-format=light; the only form since Marathon 1.8). */
  static ObjectNode plan(Deployment d) {
    ObjectNode plan = NODES.objectNode();
    plan.put("id", d.id());
    plan.set("steps", steps(d));
    plan.put("version", d.version());
    return plan;
  }

  static ObjectNode step(Deployment d, int index) {
    ObjectNode step = NODES.objectNode();
    step.putArray("actions")
        .addObject()
        .put("action", d.actions().get(index))
        .put("app", d.appId());
    return step;
  }

  private static ArrayNode steps(Deployment d) {
    ArrayNode steps = NODES.arrayNode();
    for (int i = 0; i < d.actions().size(); i++) {
      steps.add(step(d, i));
    }
    return steps;
  }

  private static void putTime(ObjectNode json, String field, Instant time) {
    if (time == null) {
      json.putNull(field);
    } else {
      json.put(field, Timestamps.format(time));
    }
  }
}
