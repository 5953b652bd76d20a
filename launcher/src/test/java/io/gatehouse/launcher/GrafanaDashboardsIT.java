package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards under {@code deploy/grafana/} query only metrics the platform exports:
 * every metric name in a panel's query or a variable's is among those the services' management
 * ports and the engines' admin ports serve on the platform {@code gatehouse up} runs, with traffic
 * through the engines. A renamed metric fails here rather than as an empty panel.
 */
@Order(2) // on the running platform, before WalkthroughIT stops it
class GrafanaDashboardsIT {
  private static final Path DASHBOARDS = Path.of("..", "deploy", "grafana");
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:gatehouse|grpc|jvm|process|hikaricp)_[a-z0-9_]+)\\b");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void everyMetricTheDashboardsQueryIsExported() throws Exception {
    RunningPlatform platform = RunningPlatform.shared();
    // a request through each engine, so its per-service series exist
    for (String agent : List.of("127.0.0.2", "127.0.0.3")) {
      URI demo = URI.create("http://" + agent + ":10001/grafana");
      await()
          .atMost(RunningPlatform.WAIT)
          .ignoreExceptions()
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(demo).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 404);
    }
    Set<String> exported = new HashSet<>();
    for (int offset = 1; offset <= 4; offset++) {
      exported.addAll(scrape("http://127.0.0.1:" + (platform.base + 90 + offset) + "/metrics"));
    }
    exported.addAll(scrape("http://127.0.0.2:9180/metrics"));
    exported.addAll(scrape("http://127.0.0.3:9180/metrics"));

    List<Path> files;
    try (Stream<Path> listed = Files.list(DASHBOARDS)) {
      files = listed.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(2);
    Set<String> queried = new TreeSet<>();
    for (Path file : files) {
      JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
      assertThat(dashboard.path("uid").asText()).as(file.toString()).isNotEmpty();
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : dashboard.path("panels")) {
        assertThat(ids.add(panel.path("id").asInt())).as(file + ": panel ids repeat").isTrue();
        assertThat(panel.path("targets")).as(file + ": " + panel.path("title")).isNotEmpty();
        panel.path("targets").forEach(t -> queried.addAll(metrics(t.path("expr").asText())));
      }
      dashboard
          .path("templating")
          .path("list")
          .forEach(v -> queried.addAll(metrics(v.path("query").toString())));
    }
    assertThat(queried).hasSizeGreaterThan(20);
    assertThat(exported).as("metrics the dashboards query").containsAll(queried);
  }

  private Set<String> scrape(String url) throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(url).isEqualTo(200);
    Set<String> names = new HashSet<>();
    for (String line : answer.body().split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (!line.startsWith("#") && sample.find()) {
        names.add(sample.group(1));
      }
    }
    assertThat(names).as(url).isNotEmpty();
    return names;
  }

  private static Set<String> metrics(String query) {
    Set<String> found = new HashSet<>();
    Matcher m = METRIC.matcher(query);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
