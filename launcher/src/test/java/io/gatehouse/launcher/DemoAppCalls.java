package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The demo app of a running platform: scaled through Marathon, and reached through each engine. */
final class DemoAppCalls {
  static final List<String> AGENTS = List.of("127.0.0.2", "127.0.0.3");
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final int marathonPort;

  DemoAppCalls(int marathonPort) {
    this.marathonPort = marathonPort;
  }

  /** Asks Marathon for {@code instances} tasks of the demo app. */
  void scale(int instances) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(marathon("/v2/apps/webappew1")))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"instances\": " + instances + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** Waits until Marathon reports {@code count} running tasks of the demo app. */
  void awaitMarathonRunning(int count) {
    await()
        .atMost(RunningPlatform.WAIT)
        .until(
            () -> {
              HttpResponse<String> app =
                  http.send(
                      HttpRequest.newBuilder(URI.create(marathon("/v2/apps/webappew1"))).build(),
                      HttpResponse.BodyHandlers.ofString());
              return app.statusCode() == 200
                  && JSON.readTree(app.body()).path("app").path("tasksRunning").asInt(-1) == count;
            });
  }

  /** Waits until each agent's engine sends traffic to exactly {@code count} tasks; returns them. */
  Set<String> awaitTasksAnswering(int count) {
    Set<String> tasks = new HashSet<>();
    for (String agent : AGENTS) {
      await()
          .atMost(RunningPlatform.WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                Set<String> answering = tasksAnswering(agent, 10 * count);
                tasks.clear();
                tasks.addAll(answering);
                return answering.size() == count;
              });
    }
    return tasks;
  }

  /** The tasks that answer {@code requests} requests through {@code agent}'s engine. */
  Set<String> tasksAnswering(String agent, int requests) {
    Set<String> tasks = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://" + agent + ":10001/"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          tasks.add(response.body().strip());
        }
      } catch (java.io.IOException | InterruptedException notYet) {
        return Set.of();
      }
    }
    return tasks;
  }

  String marathon(String path) {
    return "http://127.0.0.1:" + marathonPort + path;
  }
}
