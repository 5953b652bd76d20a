package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's walkthrough, step by step, as a user runs it: {@code gatehouse up} (the launcher's
 * jar, the other modules' jars, every piece a process), then traffic to the demo app through both
 * agents' engines, scaling under load, a killed task, analytics, autoscaling, a bad label on a
 * second app, and the control plane and its database stopped while traffic flows. Stopping the
 * launcher leaves no process of the run behind. The steps run in order on one platform.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(3) // after the other platform tests: its last steps stop parts of the platform
class WalkthroughIT {
  private static final Duration WAIT = RunningPlatform.WAIT;
  private static final List<String> AGENTS = DemoAppCalls.AGENTS;
  private static final String DEMO_VS = "webappew1/10001";

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private RunningPlatform platform;
  private Path home;
  private int base;
  private int marathonPort;
  private int postgresPort;
  private DemoAppCalls demo;

  @BeforeAll
  void gatehouseUp() {
    platform = RunningPlatform.shared();
    home = platform.home;
    base = platform.base;
    marathonPort = platform.marathonPort;
    postgresPort = platform.postgresPort;
    demo = new DemoAppCalls(marathonPort);
    assertThat(platform.output())
        .contains("[policy    ]", "[se-manager]", "curl http://127.0.0.2:10001/");
  }

  @AfterAll
  void ctrlC() throws Exception {
    RunningPlatform.stopShared();
  }

  @Test
  @Order(1)
  void theDemoAppAnswersThroughTheEngineOfEveryAgentFromBothTasks() throws Exception {
    for (String agent : AGENTS) {
      await().atMost(WAIT).until(() -> demo.tasksAnswering(agent, 20).size() == 2);
    }
    assertThat(cli("apps")).contains("/webappew1").doesNotContain("error");
    assertThat(cli("vs")).contains(DEMO_VS, "east-west", "app /webappew1");
    await().atMost(WAIT).until(() -> cli("engines").split("connected", -1).length - 1 == 2);
  }

  @Test
  @Order(2)
  void scalingToFourAndToOneUnderLoadFailsNoRequest() throws Exception {
    try (Load load = Load.start(http, AGENTS)) {
      demo.scale(4);
      demo.awaitTasksAnswering(4);
      demo.scale(1);
      demo.awaitTasksAnswering(1);
      load.assertNoFailure();
    }
    // the engines answer from the new members as soon as they applied the pool; the manager
    // counts them applied once their acknowledgements are in
    await()
        .atMost(WAIT)
        .until(() -> cli("engines").contains("every virtual service is applied on every engine"));
  }

  @Test
  @Order(3)
  void aKilledTaskIsReplacedWhileNoRequestFails() throws Exception {
    demo.scale(2);
    Set<String> before = demo.awaitTasksAnswering(2);
    try (Load load = Load.start(http, AGENTS)) {
      String task = taskIdOf(before.iterator().next());
      HttpResponse<String> killed =
          http.send(
              HttpRequest.newBuilder(URI.create(marathon("/v2/apps/webappew1/tasks/" + task)))
                  .DELETE()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
      // Marathon starts a replacement; the engines send traffic to it and never to the dead one
      await()
          .atMost(WAIT)
          .until(
              () -> {
                Set<String> now = demo.tasksAnswering(AGENTS.get(0), 20);
                return now.size() == 2 && now.stream().noneMatch(t -> t.contains(task));
              });
      load.assertNoFailure();
    }
  }

  @Test
  @Order(4)
  void analyticsShowsTheRequestsWithTheirTimingAndFollowsTheLogs() throws Exception {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              String metrics = cli("metrics", DEMO_VS);
              return metrics.contains("client_rtt")
                  && metrics.contains("server_rtt")
                  && metrics.contains("app_response")
                  && metrics.contains("data_transfer")
                  && metrics.matches("(?s).*\\ntotal\\s+[1-9].*");
            });
    assertThat(cli("logs", DEMO_VS)).contains("GET /", "127.0.0.");

    // a follow prints a request made after it started
    Path followed = home.resolve("follow.out");
    Process follow =
        new ProcessBuilder(cliCommand("logs", DEMO_VS, "--follow", "--limit=1"))
            .redirectErrorStream(true)
            .redirectOutput(followed.toFile())
            .start();
    try {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.2:10001/walkthrough-follow"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding());
                return Files.readString(followed).contains("GET /walkthrough-follow");
              });
    } finally {
      follow.destroy();
    }
  }

  @Test
  @Order(5)
  void anAutoscalePolicyScalesTheAppOutUnderLoad() throws Exception {
    Path policy =
        Files.writeString(
            home.resolve("autoscale.yaml"),
            """
            autoscalePolicy:
              meta: {name: webapp-rps}
              minInstances: 2
              maxInstances: 3
              metric: AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE
              scaleOutThreshold: 30
              scaleInThreshold: 0.5
              scaleOutStep: 1
              scaleInStep: 1
              cooldown: 30s
              evaluationWindow: 10s
            """);
    // the threshold is above what the probes of awaitTasksAnswering send (some 20 requests a
    // second to each task), and far below what the load sends: only the load scales the app out
    assertThat(cli("apply", "-f", policy.toString()))
        .contains("autoscale-policy webapp-rps applied at revision");
    HttpResponse<String> labelled =
        http.send(
            HttpRequest.newBuilder(URI.create(marathon("/v2/apps/webappew1")))
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        """
                        {"labels": {"avi_proxy": "{\\"virtualservice\\": {\\"analytics_policy\\": \
                        {\\"full_client_logs\\": {\\"enabled\\": true}}}, \\"pool\\": \
                        {\\"autoscale_policy_ref\\": \\"/api/autoscalepolicy?name=webapp-rps\\"}}"}}
                        """))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(200);
    // new labels are a new version: the load starts once its tasks have replaced the old ones
    String deployment =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(labelled.body())
            .path("deploymentId")
            .asText();
    assertThat(deployment).isNotEmpty();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                !http.send(
                        HttpRequest.newBuilder(URI.create(marathon("/v2/deployments"))).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body()
                    .contains(deployment));
    demo.awaitTasksAnswering(2);

    try (Load load = Load.start(http, AGENTS)) {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> cli("autoscale", "--app=/webappew1").contains("scale-out"));
      assertThat(cli("autoscale", "--app=/webappew1")).contains("webapp-rps", "2 -> 3");
      demo.awaitTasksAnswering(3);
      load.assertNoFailure();
    }
  }

  @Test
  @Order(6)
  void aBadLabelOnASecondAppIsReportedAndTheFirstAppIsUntouched() throws Exception {
    HttpResponse<String> posted =
        http.send(
            HttpRequest.newBuilder(URI.create(marathon("/v2/apps")))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        """
                        {"id": "webappew2", "instances": 1, "cpus": 0.1, "mem": 32,
                         "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server",
                           "network": "BRIDGE", "portMappings": [{"containerPort": 80,
                           "hostPort": 0, "servicePort": 10002, "protocol": "tcp"}]}},
                         "labels": {"avi_proxy": "{\\"virtualservice\\": {\\"services\\": 7}"}}
                        """))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> cli("apps").matches("(?s).*/webappew2\\s[^\\n]*avi_proxy \\(INVALID_JSON\\).*"));
    assertThat(cli("vs")).contains(DEMO_VS).doesNotContain("webappew2/");
    assertThat(demo.tasksAnswering(AGENTS.get(1), 30)).isNotEmpty();
  }

  @Test
  @Order(7)
  void postgresqlTakesLoginsByPasswordOnlyAndForcesCommitsToDisk() throws Exception {
    java.util.Properties secrets = new java.util.Properties();
    try (var in = Files.newBufferedReader(home.resolve("secrets.properties"))) {
      secrets.load(in);
    }
    String password = secrets.getProperty("postgres-password");
    String url = "jdbc:postgresql://127.0.0.1:" + postgresPort + "/gatehouse";

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> java.sql.DriverManager.getConnection(url, "postgres", "not-the-password"))
        .isInstanceOf(java.sql.SQLException.class)
        .hasMessageContaining("password authentication failed");
    try (var c = java.sql.DriverManager.getConnection(url, "postgres", password);
        var st = c.createStatement()) {
      for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
        try (var rs = st.executeQuery("SHOW " + setting)) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).as(setting).isEqualTo("on");
        }
      }
      try (var rs = st.executeQuery("SHOW listen_addresses")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
      }
    }
    assertThat(processesNaming(password))
        .as("processes with the password on their command line")
        .isEmpty();
  }

  @Test
  @Order(8)
  void trafficFlowsWithTheControlPlaneAnalyticsAndPostgresqlStopped() throws Exception {
    // every replica of se-manager-, policy- and analytics-svc
    for (int offset : new int[] {3, 1, 4}) {
      List<ProcessHandle> replicas = new java.util.ArrayList<>();
      for (int r = 0; r < platform.replicas; r++) {
        replicas.addAll(processesNaming("--grpc.server.port=" + platform.grpcPort(offset, r)));
      }
      stop(replicas, "TERM");
    }
    // PostgreSQL's fast shutdown (SIGTERM would wait for analytics-svc's connections to end)
    stop(processesNaming("postgres -D " + home.resolve("postgres")), "INT");
    try (Load load = Load.start(http, AGENTS)) {
      await().atMost(WAIT).until(() -> load.answered() >= 1000);
      load.assertNoFailure();
    }
    // and every engine says so: neither stream is up, and what it served waits for analytics
    for (String agent : AGENTS) {
      String metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://" + agent + ":9180/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .contains("gatehouse_se_control_connected 0", "gatehouse_se_analytics_connected 0")
          .containsPattern("gatehouse_se_analytics_waiting_batches [1-9]");
    }
  }

  /** Sends {@code signal} to the processes, as {@code kill -SIGNAL}, and waits until they end. */
  private static void stop(List<ProcessHandle> processes, String signal) throws Exception {
    assertThat(processes).isNotEmpty();
    for (ProcessHandle process : processes) {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
          .inheritIO()
          .start()
          .waitFor();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
  }

  /** "task webappew1.1f2e... at 127.0.0.2:31001" → the task id. */
  private static String taskIdOf(String identity) {
    return identity.split(" ")[1];
  }

  private String marathon(String path) {
    return "http://127.0.0.1:" + marathonPort + path;
  }

  /** Runs a CLI command against this run; returns what it printed. */
  /** The CLI's output for {@code args} (run in this JVM; {@code logs --follow} runs as the jar). */
  private String cli(String... args) {
    return InProcessCli.run(platform.cliArgs(args).toArray(String[]::new)).output();
  }

  private List<String> cliCommand(String... args) {
    return platform.cliCommand(args);
  }

  private static List<ProcessHandle> processesNaming(String marker) {
    return RunningPlatform.processesNaming(marker);
  }
}
