package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.events.EventBus;

/** The events Marathon publishes, with the fields Marathon gives each (core/event/Events.scala). */
final class MarathonEvents {
  private final EventBus bus;

  MarathonEvents(EventBus bus) {
    this.bus = bus;
  }

  void apiPost(App app, String clientIp, String uri) {
    ObjectNode event = bus.event("api_post_event").put("clientIp", clientIp).put("uri", uri);
    event.set(
        "appDefinition", AppJson.app(app, new AppJson.Embed(false, false, false, false, false)));
    bus.publish(event);
  }

  void statusUpdate(App app, Task task, String message) {
    ObjectNode event = bus.event("status_update_event");
    event.put("slaveId", task.agent.id());
    event.put("taskId", task.id);
    event.put("taskStatus", task.state);
    event.put("message", message);
    event.put("appId", app.id());
    event.put("host", task.agent.hostname());
    event
        .putArray("ipAddresses")
        .addObject()
        .put("ipAddress", task.ipAddress)
        .put("protocol", "IPv4");
    ArrayNode ports = event.putArray("ports");
    task.hostPorts.forEach(ports::add);
    event.put("version", task.version);
    bus.publish(event);
  }

  void instanceChanged(App app, Task task, String condition) {
    bus.publish(
        bus.event("instance_changed_event")
            .put("instanceId", task.instanceId)
            .put("condition", condition)
            .put("runSpecId", app.id())
            .put("agentId", task.agent.id())
            .put("host", task.agent.hostname())
            .put("runSpecVersion", task.version));
  }

  void healthChanged(App app, Task task, boolean alive) {
    bus.publish(
        bus.event("health_status_changed_event")
            .put("appId", app.id())
            .put("instanceId", task.instanceId)
            .put("version", task.version)
            .put("alive", alive));
  }

  void unhealthyKill(App app, Task task, String reason) {
    bus.publish(
        bus.event("unhealthy_instance_kill_event")
            .put("appId", app.id())
            .put("taskId", task.id)
            .put("instanceId", task.instanceId)
            .put("version", task.version)
            .put("reason", reason)
            .put("host", task.agent.hostname())
            .put("slaveId", task.agent.id()));
  }

  void appTerminated(String appId) {
    bus.publish(bus.event("app_terminated_event").put("appId", appId));
  }

  void deploymentInfo(Deployment d) {
    ObjectNode info = bus.event("deployment_info");
    info.set("plan", AppJson.plan(d));
    info.set("currentStep", AppJson.step(d, 0));
    bus.publish(info);
  }

  /** One deployment_step_success per step, then deployment_success. */
  void deploymentSucceeded(Deployment d) {
    for (int i = 0; i < d.actions().size(); i++) {
      ObjectNode step = bus.event("deployment_step_success");
      step.set("plan", AppJson.plan(d));
      step.set("currentStep", AppJson.step(d, i));
      bus.publish(step);
    }
    ObjectNode success = bus.event("deployment_success").put("id", d.id());
    success.set("plan", AppJson.plan(d));
    bus.publish(success);
  }

  void deploymentFailed(Deployment d, String reason) {
    ObjectNode failed = bus.event("deployment_failed").put("id", d.id()).put("reason", reason);
    failed.set("plan", AppJson.plan(d));
    bus.publish(failed);
  }
}
