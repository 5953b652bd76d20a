package io.gatehouse.engine.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The whole path a user's app takes, every piece a real process: an app posted to marathon-sim
 * (whose tasks are real HTTP servers) is followed by discovery-svc, which writes its pool and
 * east-west virtual service to policy-svc; se-manager-svc compiles them with the app's tasks and
 * pushes them to a service engine, which serves the app's service port. On the platform the
 * platform tests share ({@link EnginePlatform}).
 */
class MarathonAppToTrafficIT {
  private static final Duration WAIT = EnginePlatform.WAIT;
  private static final String APP =
      """
      {"id": "/webappew1", "instances": 2,
       "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server", "network": "BRIDGE",
         "portMappings": [{"containerPort": 80, "hostPort": 0, "servicePort": 0, "protocol": "tcp"}]}},
       "healthChecks": [{"protocol": "HTTP", "portIndex": 0, "path": "/", "intervalSeconds": 1,
         "maxConsecutiveFailures": 3}]}
      """;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private String send(String method, String url, String body) throws Exception {
    return PlatformCalls.send(http, method, url, body);
  }

  @Test
  void aMarathonAppIsServedOnItsServicePortByTheEngine() throws Exception {
    EnginePlatform platform = EnginePlatform.shared();
    int admin = platform.engineAdminPort();
    String marathon = platform.marathonUrl();
    String managerMetrics = "http://127.0.0.1:" + platform.managerManagementPort() + "/metrics";
    // the engine holds its control stream before the app exists: the propagation measured below
    // is of the app's change pushed to a connected engine (one that connects later gets it whole,
    // with no event behind it to time)
    await()
        .atMost(WAIT)
        .until(
            () ->
                send("GET", "http://127.0.0.1:" + admin + "/metrics", null)
                    .matches("(?s).*gatehouse_se_control_connected(\\{[^}]*})? 1(\\.0)?\\s.*"));
    long propagatedBefore = propagated(send("GET", managerMetrics, null));
    send("POST", marathon + "/v2/apps", APP);
    JsonNode app = new ObjectMapper().readTree(send("GET", marathon + "/v2/apps/webappew1", null));
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
        .until(() -> propagated(send("GET", managerMetrics, null)) > propagatedBefore);
  }

  /** How many changes the manager has timed to every engine, from its metrics. */
  private static long propagated(String metrics) {
    java.util.regex.Matcher count =
        java.util.regex.Pattern.compile(
                "gatehouse_semanager_propagation_seconds_count\\{until=\"all\"} ([0-9.]+)")
            .matcher(metrics);
    return count.find() ? (long) Double.parseDouble(count.group(1)) : 0;
  }
}
