package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.http.HttpError;
import io.gatehouse.sim.http.HttpExchange;
import io.gatehouse.sim.http.Router;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** Marathon's REST API (the /v2 endpoints, /ping) and the simulator's own /sim test API. */
public final class AppsApi {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String APP = "(?<id>/.+?)";

  private final Marathon marathon;
  private final ObjectNode info;

  public AppsApi(Marathon marathon, ObjectNode info) {
    this.marathon = marathon;
    this.info = info;
  }

  /** Adds the routes; more specific paths first. */
  public Router routes(Router router) {
    return router
        .add("GET", "/ping", x -> x.text(200, "pong", "text/plain"))
        .add("GET", "/v2/info", x -> x.json(200, info))
        .add(
            "GET",
            "/v2/leader",
            x -> x.json(200, NODES.objectNode().put("leader", info.get("leader").asText())))
        .add("GET", "/v2/apps/?", this::listApps)
        .add("POST", "/v2/apps/?", this::createApp)
        .add("GET", "/v2/apps" + APP + "/tasks/?", this::appTasks)
        .add("DELETE", "/v2/apps" + APP + "/tasks/(?<task>[^/]+)", this::killTask)
        .add("POST", "/v2/apps" + APP + "/restart", this::restart)
        .add("GET", "/v2/apps" + APP, this::getApp)
        .add(
            "PUT",
            "/v2/apps" + APP,
            x -> update(x, !x.queryParams("partialUpdate").contains("false")))
        .add("PATCH", "/v2/apps" + APP, x -> update(x, true))
        .add("DELETE", "/v2/apps" + APP, this::deleteApp)
        .add("GET", "/v2/tasks/?", this::allTasks)
        .add(
            "GET",
            "/v2/deployments/?",
            x -> x.json(200, array(marathon.call(marathon::deployments))))
        .add("DELETE", "/v2/deployments/(?<deployment>[^/]+)", this::cancelDeployment)
        .add("POST", "/sim/tasks/(?<task>[^/]+)/health", this::setHealth)
        .add("POST", "/sim/tasks/(?<task>[^/]+)/exit", this::exitTask);
  }

  private void listApps(HttpExchange x) {
    List<String> embed = x.queryParams("embed");
    AppJson.Embed what =
        new AppJson.Embed(
            embed.contains("apps.tasks"),
            true, // counts and deployments are embedded by default in 1.x
            true,
            embed.contains("apps.readiness"),
            embed.contains("apps.lastTaskFailure"));
    String id = x.queryParams("id").isEmpty() ? null : x.queryParams("id").get(0);
    ObjectNode body = NODES.objectNode();
    body.set("apps", array(marathon.call(() -> marathon.apps(what, id))));
    x.json(200, body);
  }

  private void getApp(HttpExchange x) {
    List<String> embed = x.queryParams("embed");
    boolean defaults = embed.isEmpty();
    AppJson.Embed what =
        new AppJson.Embed(
            defaults || embed.contains("app.tasks"),
            true,
            true,
            embed.contains("app.readiness"),
            defaults || embed.contains("app.lastTaskFailure"));
    ObjectNode body = NODES.objectNode();
    body.set("app", marathon.call(() -> marathon.app(x.pathParam("id"), what)));
    x.json(200, body);
  }

  private void createApp(HttpExchange x) {
    var body = x.jsonBody();
    ObjectNode created = marathon.call(() -> marathon.create(body, clientIp(x), x.path()));
    String deployment = created.path("deployments").path(0).path("id").asText("");
    x.json(
        201,
        created,
        Map.of(
            "Location",
            "/v2/apps" + created.get("id").asText(),
            "Marathon-Deployment-Id",
            deployment));
  }

  private void update(HttpExchange x, boolean partial) {
    var body = x.jsonBody();
    Marathon.Change change =
        marathon.call(
            () ->
                marathon.update(
                    x.pathParam("id"), body, partial, x.queryFlag("force"), clientIp(x), x.path()));
    x.json(
        change.created() ? 201 : 200,
        change.json(),
        Map.of("Marathon-Deployment-Id", change.deploymentId()));
  }

  private void deleteApp(HttpExchange x) {
    Marathon.Change change =
        marathon.call(() -> marathon.delete(x.pathParam("id"), x.queryFlag("force")));
    x.json(200, change.json(), Map.of("Marathon-Deployment-Id", change.deploymentId()));
  }

  private void restart(HttpExchange x) {
    Marathon.Change change =
        marathon.call(() -> marathon.restart(x.pathParam("id"), x.queryFlag("force")));
    x.json(200, change.json(), Map.of("Marathon-Deployment-Id", change.deploymentId()));
  }

  private void appTasks(HttpExchange x) {
    ObjectNode body = NODES.objectNode();
    body.set("tasks", array(marathon.call(() -> marathon.tasks(x.pathParam("id")))));
    x.json(200, body);
  }

  private void killTask(HttpExchange x) {
    x.json(
        200,
        marathon.call(
            () ->
                marathon.killTask(
                    x.pathParam("id"),
                    x.pathParam("task"),
                    x.queryFlag("scale"),
                    x.queryFlag("force"))));
  }

  private void allTasks(HttpExchange x) {
    if ("text/plain".equals(x.header("Accept"))) {
      throw HttpError.of(406, "text/plain task listing is deprecated; ask for application/json");
    }
    ObjectNode body = NODES.objectNode();
    body.set("tasks", array(marathon.call(marathon::allTasks)));
    x.json(200, body);
  }

  private void cancelDeployment(HttpExchange x) {
    Marathon.Change change =
        marathon.call(() -> marathon.cancelDeployment(x.pathParam("deployment")));
    x.json(200, change.json());
  }

  private void setHealth(HttpExchange x) {
    boolean alive = !x.queryParams("alive").contains("false");
    String cause =
        x.queryParams("cause").isEmpty() ? "set by the test API" : x.queryParams("cause").get(0);
    marathon.call(
        () -> {
          marathon.setHealth(x.pathParam("task"), alive, cause);
          return null;
        });
    x.json(200, NODES.objectNode().put("alive", alive));
  }

  private void exitTask(HttpExchange x) {
    int status =
        x.queryParams("status").isEmpty() ? 1 : Integer.parseInt(x.queryParams("status").get(0));
    marathon.call(
        () -> {
          marathon.exitTask(x.pathParam("task"), status);
          return null;
        });
    x.json(200, NODES.objectNode().put("status", status));
  }

  private static ArrayNode array(List<ObjectNode> items) {
    ArrayNode array = NODES.arrayNode();
    items.forEach(array::add);
    return array;
  }

  private static String clientIp(HttpExchange x) {
    return ((InetSocketAddress) x.context().channel().remoteAddress())
        .getAddress()
        .getHostAddress();
  }
}
