package io.gatehouse.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Marathon's REST API and event stream, in the fixed-endpoint test mode (nothing runs). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MarathonApiIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String BRIDGE_APP =
      """
      {"id": "%s", "instances": %d, "cpus": 0.1, "mem": 32,
       "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server", "network": "BRIDGE",
         "portMappings": [{"containerPort": 80, "hostPort": 0, "servicePort": 0, "protocol": "tcp"}]}}}
      """;

  private Simulator sim;
  private SimClient client;

  @BeforeAll
  void start() throws Exception {
    sim = Simulator.start(SimulatorConfig.forTests(true, Files.createTempDirectory("sim-test")));
    client = new SimClient(sim.marathonUrl());
  }

  @AfterAll
  void stop() {
    sim.close();
  }

  @Test
  void aPostedAppIsAnsweredInThe15DialectWithAServicePortAndRunningTasks() {
    SimClient.Reply created = client.post("/v2/apps", BRIDGE_APP.formatted("shop/web", 2));

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).contains("/v2/apps/shop/web");
    assertThat(created.headers().firstValue("Marathon-Deployment-Id")).isPresent();
    JsonNode app = created.json();
    assertThat(app.get("id").asText()).isEqualTo("/shop/web");
    assertThat(app.get("networks").get(0).get("mode").asText()).isEqualTo("container/bridge");
    assertThat(app.has("ipAddress")).isFalse();
    assertThat(app.get("container").get("docker").has("network")).isFalse();
    int servicePort = app.get("container").get("portMappings").get(0).get("servicePort").asInt();
    assertThat(servicePort).isBetween(10000, 20000);
    assertThat(app.get("deployments")).hasSize(1);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode tasks =
                  client.get("/v2/apps/shop/web?embed=app.tasks").json().get("app").get("tasks");
              assertThat(tasks).hasSize(2);
              assertThat(tasks)
                  .allSatisfy(
                      t -> {
                        assertThat(t.get("state").asText()).isEqualTo("TASK_RUNNING");
                        assertThat(t.get("ports")).hasSize(1);
                        assertThat(t.get("id").asText()).startsWith("shop_web.");
                      });
              assertThat(tasks.get(0).get("host").asText())
                  .isNotEqualTo(tasks.get(1).get("host").asText());
            });
    awaitNoDeployment("/shop/web");
  }

  @Test
  void errorsHaveMarathonsShapes() {
    client.post("/v2/apps", BRIDGE_APP.formatted("errors", 1));

    SimClient.Reply duplicate = client.post("/v2/apps", BRIDGE_APP.formatted("errors", 1));
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(duplicate.json().get("message").asText())
        .isEqualTo("An app with id [/errors] already exists.");

    SimClient.Reply missing = client.get("/v2/apps/nothing-here");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("message").asText())
        .isEqualTo("App '/nothing-here' does not exist");

    SimClient.Reply invalid = client.post("/v2/apps", "{\"id\": \"Bad_Id\"}");
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.json().get("message").asText()).isEqualTo("Object is not valid");
    assertThat(invalid.json().get("details").get(0).get("path").asText()).isEqualTo("/id");

    SimClient.Reply notJson = client.post("/v2/apps", "{nope");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json().get("message").asText()).isEqualTo("Invalid JSON");
  }

  @Test
  void aChangeWhileADeploymentRunsIsLockedUnlessForced() {
    String app =
        """
        {"id": "locked", "instances": 1, "cmd": "sleep 1000",
         "healthChecks": [{"protocol": "HTTP", "path": "/", "portIndex": 0}]}
        """;
    client.post("/v2/apps", app);
    String task = firstTaskId("/locked");
    client.post("/sim/tasks/" + task + "/health?alive=false", "");
    client.put("/v2/apps/locked", "{\"instances\": 2}"); // cannot finish: the task is unhealthy

    SimClient.Reply locked = client.put("/v2/apps/locked", "{\"instances\": 3}");
    assertThat(locked.status()).isEqualTo(409);
    assertThat(locked.json().get("message").asText())
        .startsWith("App is locked by one or more deployments.");
    assertThat(locked.json().get("deployments").get(0).get("id").asText()).isNotEmpty();

    SimClient.Reply forced = client.put("/v2/apps/locked?force=true", "{\"instances\": 3}");
    assertThat(forced.status()).isEqualTo(200);
    assertThat(forced.json().has("deploymentId")).isTrue();
    assertThat(forced.json().has("version")).isTrue();
  }

  @Test
  void scalingKeepsRunningTasksAndKillingWithScaleLowersInstances() {
    client.post("/v2/apps", BRIDGE_APP.formatted("scale", 1));
    String first = firstTaskId("/scale");
    awaitNoDeployment("/scale");

    client.put("/v2/apps/scale", "{\"instances\": 3}");
    await().atMost(WAIT).until(() -> tasks("/scale").size() == 3);
    assertThat(taskIds("/scale")).contains(first);
    awaitNoDeployment("/scale");

    SimClient.Reply killed = client.delete("/v2/apps/scale/tasks/" + first + "?scale=true");
    assertThat(killed.json().has("deploymentId")).isTrue();
    await()
        .atMost(WAIT)
        .until(() -> tasks("/scale").size() == 2 && !taskIds("/scale").contains(first));
    assertThat(client.get("/v2/apps/scale").json().get("app").get("instances").asInt())
        .isEqualTo(2);
  }

  @Test
  void theEventStreamNeedsExactlyTextEventStreamAndFramesWithCrlf() throws Exception {
    try (RawEventStream wrongAccept =
        new RawEventStream(sim.marathonUrl(), "text/event-stream, */*", null)) {
      await().atMost(WAIT).until(() -> wrongAccept.raw().contains("HTTP ERROR: 405"));
      assertThat(wrongAccept.raw()).startsWith("HTTP/1.1 405");
    }
    try (RawEventStream events = new RawEventStream(sim.marathonUrl(), "text/event-stream", null)) {
      await().atMost(WAIT).until(() -> events.eventTypes().contains("event_stream_attached"));
      assertThat(events.raw())
          .contains("Content-Type: text/event-stream;charset=UTF-8".toLowerCase().substring(0, 12))
          .containsIgnoringCase("connection: close");
      assertThat(events.raw().toLowerCase()).doesNotContain("transfer-encoding");

      client.post("/v2/apps", BRIDGE_APP.formatted("framed", 1));

      await().atMost(WAIT).until(() -> events.eventTypes().contains("deployment_success"));
      assertThat(events.raw()).contains("event: api_post_event\r\ndata: {");
      assertThat(events.eventTypes())
          .containsSubsequence(
              "api_post_event",
              "deployment_info",
              "status_update_event",
              "instance_changed_event",
              "deployment_success");
      assertThat(events.data("status_update_event").get(0))
          .contains("\"taskStatus\":\"TASK_STAGING\"");
      // a bare CRLF keep-alive follows within the (1 s) heartbeat
      await().atMost(WAIT).until(() -> events.raw().contains("\r\n\r\n\r\n"));
    }
  }

  @Test
  void eventTypeFiltersAndAClientLeavingMidStreamIsDetached() throws Exception {
    try (RawEventStream watcher = new RawEventStream(sim.marathonUrl(), "text/event-stream", null);
        RawEventStream filtered =
            new RawEventStream(
                sim.marathonUrl(), "text/event-stream", "event_type=app_terminated_event")) {
      await().atMost(WAIT).until(() -> watcher.eventTypes().contains("event_stream_attached"));
      RawEventStream leaving = new RawEventStream(sim.marathonUrl(), "text/event-stream", null);
      await().atMost(WAIT).until(() -> leaving.eventTypes().contains("event_stream_attached"));
      leaving.close();
      await().atMost(WAIT).until(() -> watcher.eventTypes().contains("event_stream_detached"));

      client.post("/v2/apps", BRIDGE_APP.formatted("filtered", 1));
      awaitNoDeployment("/filtered");
      client.delete("/v2/apps/filtered");

      await().atMost(WAIT).until(() -> filtered.eventTypes().contains("app_terminated_event"));
      assertThat(filtered.eventTypes()).containsOnly("app_terminated_event");
      assertThat(watcher.eventTypes()).contains("app_terminated_event");
      assertThat(watcher.data("api_post_event"))
          .noneMatch(d -> d.contains("\"uri\":\"/v2/apps/filtered\""));
    }
  }

  @Test
  void aHundredStreamsEachGetEveryEvent() throws Exception {
    List<RawEventStream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        streams.add(
            new RawEventStream(
                sim.marathonUrl(),
                "text/event-stream",
                "event_type=event_stream_attached&event_type=deployment_success"));
      }
      for (RawEventStream s : streams) {
        await().atMost(WAIT).until(() -> s.eventTypes().contains("event_stream_attached"));
      }
      client.post("/v2/apps", BRIDGE_APP.formatted("fanout", 1));
      for (RawEventStream s : streams) {
        await()
            .atMost(WAIT)
            .until(
                () -> s.data("deployment_success").stream().anyMatch(d -> d.contains("/fanout")));
      }
    } finally {
      for (RawEventStream s : streams) {
        s.close();
      }
    }
  }

  @Test
  void healthAndCrashesDrivenThroughTheTestApiProduceMarathonsEvents() throws Exception {
    String app =
        """
        {"id": "driven", "instances": 1, "cmd": "sleep 1000", "backoffSeconds": 1,
         "healthChecks": [{"protocol": "HTTP", "path": "/", "portIndex": 0, "maxConsecutiveFailures": 0}]}
        """;
    try (RawEventStream events = new RawEventStream(sim.marathonUrl(), "text/event-stream", null)) {
      // attached first: on a busy machine the task can turn healthy before a late stream listens
      await().atMost(WAIT).until(() -> events.eventTypes().contains("event_stream_attached"));
      client.post("/v2/apps", app);
      String task = firstTaskId("/driven");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  events.data("health_status_changed_event").stream()
                      .anyMatch(d -> d.contains("\"alive\":true")));

      client.post("/sim/tasks/" + task + "/health?alive=false&cause=HTTP+500", "");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  events.data("health_status_changed_event").stream()
                      .anyMatch(d -> d.contains("\"alive\":false")));
      JsonNode result = tasks("/driven").get(0).get("healthCheckResults").get(0);
      assertThat(result.get("alive").asBoolean()).isFalse();
      assertThat(result.get("lastFailureCause").asText()).isEqualTo("HTTP 500");
      assertThat(result.get("instanceId").asText()).startsWith("driven.marathon-");

      client.post("/sim/tasks/" + task + "/exit?status=3", "");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  events.data("status_update_event").stream()
                      .anyMatch(d -> d.contains("TASK_FAILED")));
      await()
          .atMost(WAIT)
          .until(() -> !taskIds("/driven").isEmpty() && !taskIds("/driven").contains(task));
      assertThat(
              client
                  .get("/v2/apps/driven")
                  .json()
                  .get("app")
                  .get("lastTaskFailure")
                  .get("state")
                  .asText())
          .isEqualTo("TASK_FAILED");
    }
  }

  @Test
  void basicAuthGuardsEverythingButPing() throws Exception {
    try (Simulator guarded =
        Simulator.start(
            SimulatorConfig.forTests(true, Files.createTempDirectory("sim-auth"))
                .withCredentials("ops:secret"))) {
      SimClient anonymous = new SimClient(guarded.marathonUrl());
      SimClient.Reply denied = anonymous.get("/v2/apps");
      assertThat(denied.status()).isEqualTo(401);
      assertThat(denied.json().get("message").asText()).isEqualTo("Invalid username or password.");
      assertThat(denied.headers().firstValue("WWW-Authenticate"))
          .contains("Basic realm=\"Mesosphere\"");
      assertThat(anonymous.get("/ping").status()).isEqualTo(200);

      String basic = "Basic " + Base64.getEncoder().encodeToString("ops:secret".getBytes());
      assertThat(new SimClient(guarded.marathonUrl(), basic).get("/v2/apps").status())
          .isEqualTo(200);
    }
  }

  @Test
  void aStandbyRedirectsEventStreamsToTheLeaderAndProxiesTheRest() {
    try (StandbyMarathon standby = sim.startStandby()) {
      SimClient viaStandby = new SimClient(standby.url());

      SimClient.Reply events = viaStandby.get("/v2/events?event_type=status_update_event");
      assertThat(events.status()).isEqualTo(302);
      assertThat(events.headers().firstValue("Location"))
          .contains(sim.marathonUrl() + "/v2/events?event_type=status_update_event");

      SimClient.Reply created = viaStandby.post("/v2/apps", BRIDGE_APP.formatted("standby", 0));
      assertThat(created.status()).isEqualTo(201);
      assertThat(client.get("/v2/apps/standby").status()).isEqualTo(200);
      assertThat(viaStandby.get("/v2/apps/standby").json().path("app").path("id").asText())
          .isEqualTo("/standby");
    }
  }

  @Test
  void theMesosMasterListsTheAgentsAndTheTasksOnThem() {
    client.post("/v2/apps", BRIDGE_APP.formatted("mesos-view", 1));
    String task = firstTaskId("/mesos-view");
    SimClient mesos = new SimClient(sim.mesosUrl());

    JsonNode slaves = mesos.get("/master/slaves").json().get("slaves");
    assertThat(slaves).hasSize(sim.agents().size());
    assertThat(slaves.get(0).get("pid").asText()).startsWith("slave(1)@127.0.0.");
    assertThat(slaves.get(0).get("resources").get("ports").asText()).isEqualTo("[31000-32000]");

    JsonNode state = mesos.get("/master/state").json();
    String listening = URI.create(sim.mesosUrl()).getAuthority();
    assertThat(state.get("leader").asText()).isEqualTo("master@" + listening);
    assertThat(mesos.get("/master/redirect").body()).isEqualTo("//" + listening);
    assertThat(state.get("frameworks").get(0).get("tasks"))
        .anySatisfy(t -> assertThat(t.get("id").asText()).isEqualTo(task));
  }

  private JsonNode tasks(String app) {
    return client.get("/v2/apps" + app + "/tasks").json().get("tasks");
  }

  private List<String> taskIds(String app) {
    List<String> ids = new ArrayList<>();
    tasks(app).forEach(t -> ids.add(t.get("id").asText()));
    return ids;
  }

  private String firstTaskId(String app) {
    await().atMost(WAIT).until(() -> !taskIds(app).isEmpty());
    return taskIds(app).get(0);
  }

  private void awaitNoDeployment(String app) {
    await()
        .atMost(WAIT)
        .until(() -> client.get("/v2/apps" + app).json().get("app").get("deployments").isEmpty());
  }
}
