package io.gatehouse.engine.platform;

import static io.gatehouse.engine.platform.PlatformCalls.asOperator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.CreateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Server;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.StaticServers;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.api.semanager.v1.GetConvergenceRequest;
import io.gatehouse.api.semanager.v1.ListServiceEngineEventsRequest;
import io.gatehouse.api.semanager.v1.ListServiceEnginesRequest;
import io.gatehouse.api.semanager.v1.ServiceEngine;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.gatehouse.api.semanager.v1.ServiceEngineEvent;
import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.gatehouse.api.semanager.v1.VirtualServiceConvergence;
import io.gatehouse.pki.LocalAuthority;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.SeManagerProcess;
import io.gatehouse.testsupport.ServiceJar;
import io.gatehouse.testsupport.TestPlatform;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet, every piece a real process: marathon-sim with two agents (127.0.0.2 and .3),
 * discovery-svc, policy-svc, and se-manager-svc with the lifecycle on, deploying one local service
 * engine per agent. The engines appear on their own, serve a Marathon app on its service port on
 * both agents while it scales and loses tasks, stop serving it when it is deleted, keep a virtual
 * service one of them rejects from blocking the others, and an engine whose process is killed is
 * replaced by the manager.
 */
class EngineFleetIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final List<String> AGENTS = List.of("127.0.0.2", "127.0.0.3");
  private static final String APP =
      """
      {"id": "/fleetweb", "instances": 1,
       "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server", "network": "BRIDGE",
         "portMappings": [{"containerPort": 80, "hostPort": 0, "servicePort": 0, "protocol": "tcp"}]}},
       "healthChecks": [{"protocol": "HTTP", "portIndex": 0, "path": "/", "intervalSeconds": 1,
         "maxConsecutiveFailures": 3}]}
      """;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Path workDir;

  @AfterEach
  void stopAll() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    if (workDir != null) { // engines outlive their manager: they go too
      enginesOf(workDir.toString()).forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void theManagerKeepsAnEngineOnEveryAgentAndEveryEngineFollowsTheApps() throws Exception {
    workDir = Files.createTempDirectory("engine-fleet-it");
    LocalAuthority.SigningKeys engineKeys =
        LocalAuthority.in(workDir.resolve("keys")).signingKeys("engine-credentials");
    TestPlatform platform =
        TestPlatform.builder()
            .managerArgs(
                List.of(
                    "--gatehouse.semanager.lifecycle.enabled=true",
                    "--gatehouse.semanager.lifecycle.default-method=local",
                    "--gatehouse.semanager.lifecycle.interval=1s",
                    "--gatehouse.semanager.lifecycle.lost-after=5s",
                    "--gatehouse.semanager.engine-credentials.signing-key="
                        + engineKeys.privateKey(),
                    "--gatehouse.semanager.engine-credentials.verification-key="
                        + engineKeys.publicKey(),
                    "--gatehouse.semanager.lifecycle.local.engine-jar="
                        + ServiceJar.jarOf("service-engine"),
                    "--gatehouse.semanager.lifecycle.local.work-dir=" + workDir.resolve("engines")))
            .start();
    closeables.add(platform);
    SeManagerProcess manager = platform.manager();
    PolicyServiceProcess policy = platform.policy();
    ManagedChannel managerChannel =
        NettyChannelBuilder.forTarget(manager.target()).usePlaintext().build();
    ManagedChannel policyChannel =
        NettyChannelBuilder.forTarget(policy.target()).usePlaintext().build();
    closeables.add(managerChannel::shutdownNow);
    closeables.add(policyChannel::shutdownNow);
    var admin = ServiceEngineAdminGrpc.newBlockingStub(asOperator(managerChannel));
    var operator = PolicyServiceGrpc.newBlockingStub(asOperator(policyChannel));

    // one engine per agent, deployed and connected without anyone starting one
    await().atMost(WAIT).until(() -> connected(admin).size() == 2);
    assertThat(connected(admin))
        .containsExactlyInAnyOrder("default@127.0.0.2", "default@127.0.0.3");
    assertThat(
            admin
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listServiceEngines(ListServiceEnginesRequest.getDefaultInstance())
                .getServiceEnginesList())
        .allSatisfy(e -> assertThat(e.getDeploymentMethod()).isEqualTo("local"));

    // an app appears: both engines serve it on its service port, each on its own agent
    String marathonUrl = platform.marathonUrl();
    send("POST", marathonUrl + "/v2/apps", APP);
    int servicePort = servicePort(send("GET", marathonUrl + "/v2/apps/fleetweb", null));
    for (String agent : AGENTS) {
      await().atMost(WAIT).until(() -> tasksBehind(agent, servicePort, 1).size() == 1);
    }

    // it scales: every engine spreads over all three tasks
    send("PUT", marathonUrl + "/v2/apps/fleetweb", "{\"instances\": 3}");
    for (String agent : AGENTS) {
      try {
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(300))
            .until(() -> tasksBehind(agent, servicePort, 12).size() == 3);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            agent + "'s engine never served 3 tasks; " + state(marathonUrl), e);
      }
    }

    // it loses a task: no engine sends to the killed one once Marathon reports it gone
    JsonNode tasks = json(send("GET", marathonUrl + "/v2/apps/fleetweb/tasks", null)).path("tasks");
    String killed = tasks.path(0).path("id").asText();
    send("DELETE", marathonUrl + "/v2/apps/fleetweb/tasks/" + killed + "?scale=true", null);
    for (String agent : AGENTS) {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(300))
          .until(
              () -> {
                Set<String> behind = tasksBehind(agent, servicePort, 12);
                return behind.size() == 2 && behind.stream().noneMatch(t -> t.contains(killed));
              });
    }

    // a virtual service one engine cannot bind (its port is taken on 127.0.0.2) is rejected there,
    // converges on the other engine, and holds nothing else up
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
      int port = taken.getLocalPort();
      operator
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createPool(
              CreatePoolRequest.newBuilder()
                  .setPool(
                      Pool.newBuilder()
                          .setMeta(ObjectMeta.newBuilder().setName("blocked"))
                          .setStaticServers(
                              StaticServers.newBuilder()
                                  .addServers(
                                      Server.newBuilder().setIpAddress("127.0.0.1").setPort(9))))
                  .build());
      operator
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createVirtualService(
              CreateVirtualServiceRequest.newBuilder()
                  .setVirtualService(
                      VirtualService.newBuilder()
                          .setMeta(ObjectMeta.newBuilder().setName("blocked"))
                          .setEastWest(true)
                          .addServices(
                              Service.newBuilder()
                                  .setPort(port)
                                  .setProtocol(Protocol.PROTOCOL_HTTP))
                          .setPoolRef("blocked"))
                  .build());
      await()
          .atMost(WAIT)
          .until(
              () -> {
                VirtualServiceConvergence blocked = convergence(admin, "blocked");
                return blocked != null
                    && blocked.getEnginesList().stream()
                        .anyMatch(e -> e.getSeId().equals("default@127.0.0.2") && e.hasNackError())
                    && blocked.getEnginesList().stream()
                        .anyMatch(
                            e ->
                                e.getSeId().equals("default@127.0.0.3")
                                    && e.getAppliedVersion().equals(blocked.getDesiredVersion()));
              });
      VirtualServiceConvergence blocked = convergence(admin, "blocked");
      assertThat(blocked.getConverged()).isFalse();
      assertThat(blocked.getEnginesList())
          .filteredOn(e -> e.getSeId().equals("default@127.0.0.2"))
          .singleElement()
          .satisfies(e -> assertThat(e.getNackError().getMessage()).contains(String.valueOf(port)));
      assertThat(
              admin
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .listServiceEngineEvents(
                      ListServiceEngineEventsRequest.newBuilder()
                          .setSeId("default@127.0.0.2")
                          .build())
                  .getEventsList())
          .extracting(ServiceEngineEvent::getType)
          .contains("NACK");
      VirtualServiceConvergence app = convergence(admin, "fleetweb");
      assertThat(app).isNotNull();
      await().atMost(WAIT).until(() -> convergence(admin, appVsName(admin)).getConverged());
    }

    // an engine's process is killed: the manager starts another, which serves the app again
    String victim = "default@127.0.0.2";
    List<ProcessHandle> engine = enginesOf("--se-id=" + victim);
    assertThat(engine).hasSize(1);
    engine.get(0).destroyForcibly();
    await()
        .atMost(WAIT)
        .until(
            () ->
                admin
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listServiceEngineEvents(
                        ListServiceEngineEventsRequest.newBuilder().setSeId(victim).build())
                    .getEventsList()
                    .stream()
                    .anyMatch(e -> e.getType().equals("REPLACED")));
    await().atMost(WAIT).until(() -> connected(admin).contains(victim));
    assertThat(enginesOf("--se-id=" + victim))
        .singleElement()
        .satisfies(p -> assertThat(p.pid()).isNotEqualTo(engine.get(0).pid()));
    await().atMost(WAIT).until(() -> tasksBehind("127.0.0.2", servicePort, 8).size() == 2);

    // an engine is decommissioned while it serves a request: it takes no new connection, the
    // request in hand is answered, and then the manager stops it (and, its node being eligible,
    // starts a fresh one)
    String leaving = "default@127.0.0.3";
    long leavingPid = enginesOf("--se-id=" + leaving).get(0).pid();
    double requestsBefore = engineMetric("127.0.0.3", "gatehouse_se_requests_total");
    try (java.net.Socket inHand = new java.net.Socket("127.0.0.3", servicePort)) {
      inHand.setSoTimeout(30_000);
      var toEngine = inHand.getOutputStream();
      toEngine.write(
          "POST / HTTP/1.1\r\nHost: fleetweb\r\nContent-Length: 5\r\n\r\n"
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      toEngine.flush(); // the request is under way: its body is still to come
      await()
          .atMost(WAIT)
          .until(() -> engineMetric("127.0.0.3", "gatehouse_se_requests_total") > requestsBefore);
      admin
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .decommissionServiceEngine(
              io.gatehouse.api.semanager.v1.DecommissionServiceEngineRequest.newBuilder()
                  .setId(leaving)
                  .build());
      await().atMost(WAIT).until(() -> refused("127.0.0.3", servicePort)); // draining
      assertThat(ProcessHandle.of(leavingPid).map(ProcessHandle::isAlive)).contains(true);

      toEngine.write("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      toEngine.flush();
      byte[] statusLine = inHand.getInputStream().readNBytes(12);
      assertThat(new String(statusLine, java.nio.charset.StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 200");
    }
    await()
        .atMost(WAIT)
        .until(
            () -> ProcessHandle.of(leavingPid).map(ProcessHandle::isAlive).orElse(false) == false);
    assertThat(
            admin
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listServiceEngineEvents(
                    ListServiceEngineEventsRequest.newBuilder().setSeId(leaving).build())
                .getEventsList())
        .extracting(ServiceEngineEvent::getType)
        .containsSubsequence("DECOMMISSIONED", "DRAINING"); // newest first
    await().atMost(WAIT).until(() -> connected(admin).contains(leaving));
    await().atMost(WAIT).until(() -> tasksBehind("127.0.0.3", servicePort, 8).size() == 2);

    // the app vanishes: no engine serves its port any more
    send("DELETE", marathonUrl + "/v2/apps/fleetweb", null);
    for (String agent : AGENTS) {
      await().atMost(WAIT).until(() -> refused(agent, servicePort));
    }
  }

  /** The name of the app's virtual service, as discovery-svc wrote it. */
  private static String appVsName(ServiceEngineAdminGrpc.ServiceEngineAdminBlockingStub admin) {
    return admin
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getConvergence(GetConvergenceRequest.getDefaultInstance())
        .getVirtualServicesList()
        .stream()
        .map(VirtualServiceConvergence::getName)
        .filter(n -> n.contains("fleetweb"))
        .findFirst()
        .orElseThrow();
  }

  private static VirtualServiceConvergence convergence(
      ServiceEngineAdminGrpc.ServiceEngineAdminBlockingStub admin, String name) {
    return admin
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getConvergence(GetConvergenceRequest.getDefaultInstance())
        .getVirtualServicesList()
        .stream()
        .filter(v -> v.getName().contains(name))
        .findFirst()
        .orElse(null);
  }

  private static List<String> connected(
      ServiceEngineAdminGrpc.ServiceEngineAdminBlockingStub admin) {
    return admin
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .listServiceEngines(
            ListServiceEnginesRequest.newBuilder()
                .addStates(ServiceEngineState.SERVICE_ENGINE_STATE_CONNECTED)
                .build())
        .getServiceEnginesList()
        .stream()
        .map(ServiceEngine::getId)
        .toList();
  }

  /** The engine processes whose command line contains {@code marker}. */
  private static List<ProcessHandle> enginesOf(String marker) {
    return ProcessHandle.allProcesses()
        .filter(
            p -> {
              String line = p.info().commandLine().orElse("");
              return line.contains("service-engine.jar") && line.contains(marker);
            })
        .toList();
  }

  /** The distinct task identities that answer {@code requests} requests through an engine. */
  private Set<String> tasksBehind(String agent, int port, int requests) {
    Set<String> tasks = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://" + agent + ":" + port + "/"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          tasks.add(response.body().trim());
        }
      } catch (IOException | InterruptedException notYet) {
        return Set.of(); // the engine does not serve the port (yet)
      }
    }
    return tasks;
  }

  /** The sum of a metric's samples on the engine of {@code agent} (its admin port, 9180). */
  private double engineMetric(String agent, String name) throws Exception {
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create("http://" + agent + ":9180/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return metrics
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static boolean refused(String agent, int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(agent, port), 1000);
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static int servicePort(String appJson) throws IOException {
    JsonNode app = json(appJson).path("app");
    int port = app.path("container").path("portMappings").path(0).path("servicePort").asInt();
    if (port == 0) {
      port =
          app.path("container")
              .path("docker")
              .path("portMappings")
              .path(0)
              .path("servicePort")
              .asInt();
    }
    assertThat(port).isPositive();
    return port;
  }

  /** What Marathon and each engine hold of the app, for a failure to explain itself. */
  private String state(String marathonUrl) {
    StringBuilder state = new StringBuilder();
    try {
      state
          .append("Marathon's tasks: ")
          .append(send("GET", marathonUrl + "/v2/apps/fleetweb/tasks", null));
    } catch (Exception e) {
      state.append("Marathon's tasks: ").append(e);
    }
    for (String agent : AGENTS) {
      try {
        state
            .append("; ")
            .append(agent)
            .append("'s config: ")
            .append(send("GET", "http://" + agent + ":9180/config", null));
      } catch (Exception e) {
        state.append("; ").append(agent).append("'s config: ").append(e);
      }
    }
    return state.toString();
  }

  private static JsonNode json(String text) throws IOException {
    return new ObjectMapper().readTree(text);
  }

  private String send(String method, String url, String body) throws Exception {
    return PlatformCalls.send(http, method, url, body);
  }
}
