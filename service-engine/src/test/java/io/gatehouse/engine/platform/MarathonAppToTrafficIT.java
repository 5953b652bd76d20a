package io.gatehouse.engine.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testsupport.TestPlatform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole path a user's app takes, every piece a real process (the module's shared platform): an
 * app posted to marathon-sim (whose tasks are real HTTP servers) is followed by discovery-svc,
 * which writes its pool and east-west virtual service to policy-svc; se-manager-svc compiles them
 * with the app's tasks and pushes them to a service engine, which serves the app's service port.
 */
@ExtendWith(SharedPlatform.class)
@Order(Integer.MAX_VALUE) // with the other test of the shared platform, after every other test
class MarathonAppToTrafficIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Pattern PROPAGATED =
      Pattern.compile("gatehouse_semanager_propagation_seconds_count\\{until=\"all\"} ([0-9.]+)");
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
  void aMarathonAppIsServedOnItsServicePortByTheEngine(TestPlatform platform) throws Exception {
    int admin = platform.engineAdmin(SharedPlatform.ENGINE);
    String managerMetrics = "http://127.0.0.1:" + platform.manager().managementPort() + "/metrics";
    // the engine holds its control stream before the app exists: the propagation measured below
    // is of the app's change pushed to a connected engine (one that connects later gets it whole,
    // with no event behind it to time)
    await()
        .atMost(WAIT)
        .until(
            () ->
                send("GET", "http://127.0.0.1:" + admin + "/metrics", null)
                    .matches("(?s).*gatehouse_se_control_connected(\\{[^}]*})? 1(\\.0)?\\s.*"));
    double propagatedBefore = propagated(send("GET", managerMetrics, null));
    send("POST", platform.marathonUrl() + "/v2/apps", APP);
    JsonNode app =
        new ObjectMapper()
            .readTree(send("GET", platform.marathonUrl() + "/v2/apps/webappew1", null));
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

  /** How many changes se-manager-svc timed until every engine had them. */
  private static double propagated(String metrics) {
    Matcher m = PROPAGATED.matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
