package io.gatehouse.engine.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.SeManagerProcess;
import io.gatehouse.testsupport.ServiceJar;
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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path a user's app takes, every piece a real process: an app posted to marathon-sim
 * (whose tasks are real HTTP servers) is followed by discovery-svc, which writes its pool and
 * east-west virtual service to policy-svc; se-manager-svc compiles them with the app's tasks and
 * pushes them to a service engine, which serves the app's service port.
 */
class MarathonAppToTrafficIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String OPERATOR = PolicyServiceProcess.OPERATOR;
  private static final String DISCOVERY = PolicyServiceProcess.DISCOVERY;
  private static final String SE_MANAGER = PolicyServiceProcess.SE_MANAGER;
  private static final String ENGINE = SeManagerProcess.ENGINE;
  private static final String APP =
      """
      {"id": "/webappew1", "instances": 2,
       "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server", "network": "BRIDGE",
         "portMappings": [{"containerPort": 80, "hostPort": 0, "servicePort": 0, "protocol": "tcp"}]}},
       "healthChecks": [{"protocol": "HTTP", "portIndex": 0, "path": "/", "intervalSeconds": 1,
         "maxConsecutiveFailures": 3}]}
      """;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void stopAll() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private ServiceJar start(String module, List<String> args, Map<String, String> env, int port) {
    ServiceJar jar = ServiceJar.start(module, args, ServiceJar.plaintext(env));
    closeables.add(jar);
    return jar.awaitPort(port, WAIT);
  }

  private String send(String method, String url, String body) throws Exception {
    return PlatformCalls.send(http, method, url, body);
  }

  @Test
  void aMarathonAppIsServedOnItsServicePortByTheEngine() throws Exception {
    PolicyServiceProcess policySvc = PolicyServiceProcess.start();
    closeables.add(policySvc);
    String policy = policySvc.target();
    int marathon = ServiceJar.freePort();
    int mesos = ServiceJar.freePort();
    int discovery = ServiceJar.freePort();
    int admin = ServiceJar.freePort();
    Path sandboxes = Files.createTempDirectory("platform-it");

    start(
        "marathon-sim",
        List.of(
            "--http_port=" + marathon,
            "--mesos_port=" + mesos,
            "--agents=2",
            "--sandboxes=" + sandboxes),
        Map.of(),
        marathon);
    start(
        "discovery-svc",
        List.of(
            "--grpc.server.port=" + discovery,
            "--micronaut.server.port=" + ServiceJar.freePort(),
            "--gatehouse.discovery.marathons.default.url=http://127.0.0.1:" + marathon,
            "--gatehouse.discovery.mesos.url=http://127.0.0.1:" + mesos,
            "--gatehouse.discovery.policy.target=" + policy,
            "--gatehouse.discovery.policy.coalesce=100ms"),
        Map.of(
            "GATEHOUSE_DISCOVERY_AUTH_OPERATOR_TOKENS", OPERATOR,
            "GATEHOUSE_DISCOVERY_AUTH_SE_MANAGER_TOKEN", SE_MANAGER,
            "GATEHOUSE_DISCOVERY_POLICY_TOKEN", DISCOVERY),
        discovery);
    SeManagerProcess managerSvc =
        SeManagerProcess.start(
            policy,
            "127.0.0.1:" + discovery,
            List.of("--gatehouse.semanager.policy.east-west-address=127.0.0.1"));
    closeables.add(managerSvc);
    int manager = managerSvc.port();
    start(
        "service-engine",
        List.of(
            "--control=127.0.0.1:" + manager,
            "--control-plaintext",
            "--se-id=se-node-1",
            "--admin=127.0.0.1:" + admin),
        Map.of("GATEHOUSE_SE_TOKEN", ENGINE),
        admin);

    // the engine holds its control stream before the app exists: the propagation measured below
    // is of the app's change pushed to a connected engine (one that connects later gets it whole,
    // with no event behind it to time)
    await()
        .atMost(WAIT)
        .until(
            () ->
                send("GET", "http://127.0.0.1:" + admin + "/metrics", null)
                    .matches("(?s).*gatehouse_se_control_connected(\\{[^}]*})? 1(\\.0)?\\s.*"));
    send("POST", "http://127.0.0.1:" + marathon + "/v2/apps", APP);
    JsonNode app =
        new ObjectMapper()
            .readTree(send("GET", "http://127.0.0.1:" + marathon + "/v2/apps/webappew1", null));
    int servicePort =
        app.path("app").path("container").path("portMappings").path(0).path("servicePort").asInt();
    if (servicePort == 0) {
      servicePort =
          app.path("app")
              .path("container")
              .path("docker")
              .path("portMappings")
              .path(0)
              .path("servicePort")
              .asInt();
    }
    assertThat(servicePort).isPositive();

    String url = "http://127.0.0.1:" + servicePort + "/";
    Set<String> tasks = new HashSet<>();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              try {
                HttpResponse<String> response =
                    http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                  tasks.add(response.body().trim());
                }
              } catch (java.io.IOException notYet) {
                // the engine does not listen on the service port yet
              }
              return tasks.size() == 2; // both tasks answer through the engine
            });
    assertThat(tasks).allMatch(identity -> identity.contains("webappew1"));
    // the app's Marathon events reached the engine, and the manager timed it
    await()
        .atMost(WAIT)
        .until(
            () ->
                send("GET", "http://127.0.0.1:" + managerSvc.managementPort() + "/metrics", null)
                    .matches(
                        "(?s).*gatehouse_semanager_propagation_seconds_count\\{until=\"all\"} [1-9].*"));
  }
}
