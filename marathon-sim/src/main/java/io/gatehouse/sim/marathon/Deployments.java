package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.http.HttpError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Marathon's deployments: one per app at a time, started by a change, succeeded when the app
 * matches its definition, superseded by a forced change, cancelled on request. State thread.
 */
final class Deployments {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final Map<String, Deployment> open = new LinkedHashMap<>();
  private final MarathonEvents events;

  Deployments(MarathonEvents events) {
    this.events = events;
  }

  /** Starts a deployment of {@code actions} for {@code app}, superseding the one it had. */
  Deployment start(App app, List<String> actions) {
    if (app.deployment != null) {
      Deployment superseded = open.remove(app.deployment.id());
      if (superseded != null) {
        events.deploymentFailed(superseded, "cancelled by a forced change");
      }
    }
    Deployment d = new Deployment(UUID.randomUUID().toString(), app.version, app.id(), actions);
    app.deployment = d;
    open.put(d.id(), d);
    events.deploymentInfo(d);
    return d;
  }

  /** The app matches its definition: its deployment succeeded. */
  void finish(App app) {
    Deployment d = app.deployment;
    if (d == null) {
      return;
    }
    app.deployment = null;
    open.remove(d.id());
    events.deploymentSucceeded(d);
  }

  /** Cancels the deployment {@code id} (the app keeps what it has); Marathon's 404 if none. */
  Deployment cancel(String id) {
    Deployment d = open.remove(id);
    if (d == null) {
      throw HttpError.of(404, "DeploymentPlan " + id + " does not exist");
    }
    events.deploymentFailed(d, "cancelled");
    return d;
  }

  /** The deployments in progress, as /v2/deployments lists them. */
  List<ObjectNode> json() {
    List<ObjectNode> out = new ArrayList<>();
    open.values().forEach(d -> out.add(AppJson.deployment(d, 1)));
    return out;
  }

  /** Refuses a change to an app a deployment is under, unless forced (Marathon's 409). */
  static void checkUnlocked(App app, boolean force) {
    if (app.deployment != null && !force) {
      ObjectNode body =
          NODES
              .objectNode()
              .put(
                  "message",
                  "App is locked by one or more deployments. Override with the option '?force=true'."
                      + " View details at '/v2/deployments/"
                      + app.deployment.id()
                      + "'.");
      body.putArray("deployments").addObject().put("id", app.deployment.id());
      throw new HttpError(409, body);
    }
  }
}
