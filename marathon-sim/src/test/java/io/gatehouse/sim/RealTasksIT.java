package io.gatehouse.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testsupport.SharedFixtures;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tasks that really run: built-in servers for images, processes for commands. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealTasksIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newHttpClient();
  private Simulator sim;
  private SimClient client;

  @BeforeAll
  void start() throws Exception {
    sim = Simulator.start(SimulatorConfig.forTests(false, Files.createTempDirectory("sim-real")));
    client = new SimClient(sim.marathonUrl());
  }

  @AfterAll
  void stop() {
    sim.close();
  }

  static Stream<Path> guideApps() throws Exception {
    Path guides = SharedFixtures.require("avi-guides");
    try (Stream<Path> files = Files.list(guides)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("guideApps")
  void everyAviGuideAppRunsHealthyTasksThatAnswerOnTheirHostPorts(Path definition)
      throws Exception {
    JsonNode body = SimClient.JSON.readTree(Files.readString(definition));
    String id = "/guide-" + definition.getFileName().toString().replace(".json", "");
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("id", id);

    SimClient.Reply created = client.post("/v2/apps", body.toString());

    assertThat(created.status()).isEqualTo(201);
    int instances = body.path("instances").asInt(1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode app = client.get("/v2/apps" + id).json().get("app");
              assertThat(app.get("tasksRunning").asInt()).isEqualTo(instances);
              assertThat(app.get("deployments")).isEmpty();
            });
    JsonNode app = client.get("/v2/apps" + id).json().get("app");
    JsonNode mapping = app.get("container").get("portMappings").get(0);
    int servicePort = mapping.get("servicePort").asInt();
    if (body.path("container")
            .path("docker")
            .path("portMappings")
            .get(0)
            .path("servicePort")
            .asInt()
        == 0) {
      assertThat(servicePort).isBetween(10000, 20000);
    } else {
      assertThat(servicePort).isEqualTo(27017);
    }
    for (JsonNode task : app.get("tasks")) {
      String host = task.get("host").asText();
      int port = task.get("ports").get(0).asInt();
      if (mapping.get("containerPort").asInt() == 80) {
        HttpResponse<String> page =
            http.send(
                HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/100kb.txt"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).hasSize(100 * 1024);
        assertThat(task.get("healthCheckResults").get(0).get("alive").asBoolean()).isTrue();
      } else {
        assertThat(echo(host, port, "ping")).isEqualTo("ping");
      }
    }
    client.delete("/v2/apps" + id);
    await().atMost(WAIT).until(() -> client.get("/v2/apps" + id).status() == 404);
  }

  @Test
  void eachAgentReportsTheCpuTimeOfTheTasksOnItAsMesosDoes() throws Exception {
    client.post(
        "/v2/apps",
        """
        {"id": "/cpu-busy", "cmd": "while :; do :; done", "cpus": 0.5, "mem": 32,
         "portDefinitions": []}""");
    client.post(
        "/v2/apps",
        """
        {"id": "/cpu-idle", "cmd": "sleep 600", "cpus": 0.2, "mem": 32, "portDefinitions": []}""");
    try {
      JsonNode busy = runningTask("/cpu-busy");
      JsonNode idle = runningTask("/cpu-idle");
      await()
          .atMost(WAIT)
          .until(() -> statistics(busy).path("cpus_user_time_secs").asDouble() > 0.3);
      JsonNode busyNow = statistics(busy);
      assertThat(busyNow.path("cpus_limit").asDouble()).isEqualTo(0.6); // 0.1 for the executor
      assertThat(busyNow.path("timestamp").asDouble())
          .isCloseTo(
              System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(60.0));
      assertThat(statistics(idle).path("cpus_user_time_secs").asDouble()).isLessThan(0.1);
    } finally {
      client.delete("/v2/apps/cpu-busy");
      client.delete("/v2/apps/cpu-idle");
    }
  }

  private JsonNode runningTask(String appId) {
    return await()
        .atMost(WAIT)
        .until(
            () -> client.get("/v2/apps" + appId).json().path("app").path("tasks").path(0),
            t -> "TASK_RUNNING".equals(t.path("state").asText()));
  }

  /** The task's statistics from its agent, found as a client of Mesos would: by the agent's pid. */
  private JsonNode statistics(JsonNode task) throws Exception {
    JsonNode slaves =
        SimClient.JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create(sim.mesosUrl() + "/master/slaves")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String pid = null;
    for (JsonNode slave : slaves.path("slaves")) {
      if (slave.path("id").asText().equals(task.path("slaveId").asText())) {
        pid = slave.path("pid").asText(); // slave(1)@127.0.0.2:5051
      }
    }
    assertThat(pid).isNotNull();
    JsonNode executors =
        SimClient.JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://"
                                    + pid.substring(pid.indexOf('@') + 1)
                                    + "/monitor/statistics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    for (JsonNode executor : executors) {
      if (executor.path("executor_id").asText().equals(task.path("id").asText())) {
        assertThat(executor.path("source").asText()).isEqualTo(task.path("id").asText());
        return executor.path("statistics");
      }
    }
    throw new AssertionError("no statistics for task " + task.path("id") + " in " + executors);
  }

  @Test
  void aCommandRunsAsAProcessWithMarathonsEnvironment() throws Exception {
    String app =
        """
        {"id": "env-dump", "instances": 1, "labels": {"team": "core"},
         "cmd": "env > env.txt && exec sleep 600", "portDefinitions": [{"port": 0}, {"port": 0}]}
        """;
    client.post("/v2/apps", app);
    await().atMost(WAIT).until(() -> sim.taskProcesses().size() == 1);
    JsonNode task = client.get("/v2/apps/env-dump/tasks").json().get("tasks").get(0);
    Path envFile = sandboxOf(task.get("id").asText()).resolve("env.txt");
    await().atMost(WAIT).until(() -> Files.exists(envFile) && Files.size(envFile) > 0);

    List<String> env = Files.readAllLines(envFile);
    assertThat(env)
        .contains(
            "PORT0=" + task.get("ports").get(0).asInt(),
            "PORT1=" + task.get("ports").get(1).asInt(),
            "HOST=" + task.get("host").asText(),
            "MARATHON_APP_ID=/env-dump",
            "MESOS_TASK_ID=" + task.get("id").asText(),
            "MARATHON_APP_LABEL_TEAM=core");

    client.delete("/v2/apps/env-dump");
    await().atMost(WAIT).until(() -> sim.taskProcesses().isEmpty());
  }

  @Test
  void anEnvironmentSecretIsFilledFromTheSecretStoreAndNeverShownInTheApp() throws Exception {
    SimClient store = new SimClient(sim.mesosUrl(), "token=" + SimulatorConfig.TEST_SECRETS_TOKEN);
    SimClient stranger = new SimClient(sim.mesosUrl(), "token=guess");
    String path = "/secrets/v1/secret/default/db/password";
    assertThat(stranger.put(path, "{\"value\": \"x\"}").status()).isEqualTo(401);
    assertThat(store.put(path, "{\"value\": \"first\"}").status()).isEqualTo(201);
    assertThat(store.put(path, "{\"value\": \"again\"}").status()).isEqualTo(409);
    assertThat(store.send("PATCH", path, "{\"value\": \"s3cret\"}").status()).isEqualTo(204);
    assertThat(stranger.get(path).status()).isEqualTo(401);
    assertThat(store.get(path).json().get("value").asText()).isEqualTo("s3cret");

    client.post(
        "/v2/apps",
        """
        {"id": "secret-dump", "cmd": "env > env.txt && exec sleep 600", "portDefinitions": [],
         "env": {"DB_PW": {"secret": "pw"}}, "secrets": {"pw": {"source": "db/password"}}}
        """);
    try {
      await().atMost(WAIT).until(() -> sim.taskProcesses().size() == 1);
      JsonNode task = client.get("/v2/apps/secret-dump/tasks").json().get("tasks").get(0);
      Path envFile = sandboxOf(task.get("id").asText()).resolve("env.txt");
      await().atMost(WAIT).until(() -> Files.exists(envFile) && Files.size(envFile) > 0);
      assertThat(Files.readAllLines(envFile)).contains("DB_PW=s3cret");
      assertThat(client.get("/v2/apps/secret-dump").body()).doesNotContain("s3cret");
    } finally {
      client.delete("/v2/apps/secret-dump");
      await().atMost(WAIT).until(() -> sim.taskProcesses().isEmpty());
    }
  }

  @Test
  void aCrashingTaskIsRelaunchedWithBackoffAndKillingIsGraceful() throws Exception {
    String app =
        """
        {"id": "crashy", "instances": 1, "cmd": "exit 3", "backoffSeconds": 1, "backoffFactor": 2}
        """;
    try (RawEventStream events =
        new RawEventStream(
            sim.marathonUrl(),
            "text/event-stream",
            "event_type=status_update_event&event_type=event_stream_attached")) {
      await().atMost(WAIT).until(() -> events.eventTypes().contains("event_stream_attached"));
      client.post("/v2/apps", app);

      await().atMost(WAIT).until(() -> failures(events, "/crashy") >= 3);
      JsonNode lastFailure = client.get("/v2/apps/crashy").json().get("app").get("lastTaskFailure");
      assertThat(lastFailure.get("message").asText()).isEqualTo("Command exited with status 3");
      client.delete("/v2/apps/crashy?force=true");
    }
  }

  @Test
  void closingTheSimulatorKillsEveryTaskProcess() throws Exception {
    Simulator own =
        Simulator.start(SimulatorConfig.forTests(false, Files.createTempDirectory("sim-orphans")));
    SimClient ownClient = new SimClient(own.marathonUrl());
    ownClient.post(
        "/v2/apps", "{\"id\": \"sleepers\", \"instances\": 2, \"cmd\": \"sleep 600 & sleep 600\"}");
    await().atMost(WAIT).until(() -> own.taskProcesses().size() == 2);
    Set<Long> shells = own.taskProcesses();
    List<ProcessHandle> all = new ArrayList<>();
    for (long pid : shells) {
      ProcessHandle shell = ProcessHandle.of(pid).orElseThrow();
      all.add(shell);
      await().atMost(WAIT).until(() -> shell.descendants().count() >= 1);
      all.addAll(shell.descendants().toList());
    }

    own.close();

    await().atMost(WAIT).until(() -> all.stream().noneMatch(ProcessHandle::isAlive));
  }

  private static long failures(RawEventStream events, String appId) {
    return events.data("status_update_event").stream()
        .filter(d -> d.contains("\"appId\":\"" + appId + "\"") && d.contains("TASK_FAILED"))
        .count();
  }

  private Path sandboxOf(String taskId) throws Exception {
    try (Stream<Path> dirs = Files.walk(Path.of(System.getProperty("java.io.tmpdir")), 2)) {
      return dirs.filter(p -> p.getFileName().toString().equals(taskId)).findFirst().orElseThrow();
    }
  }

  private static String echo(String host, int port, String text) throws Exception {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(text.length());
      return new String(reply, StandardCharsets.UTF_8);
    }
  }
}
