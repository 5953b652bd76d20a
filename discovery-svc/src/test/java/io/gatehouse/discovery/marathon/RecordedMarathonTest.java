package io.gatehouse.discovery.marathon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testsupport.SharedFixtures;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser and the event reader against every recorded Marathon answer in shared/fixtures
 * (skipped when absent): every app of every dialect parses, and the backends behind each service
 * port of the key recordings are exactly the ones stated here.
 */
class RecordedMarathonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Path> appDocuments() throws Exception {
    Path marathon = SharedFixtures.require("marathon");
    List<Path> documents = new ArrayList<>();
    try (Stream<Path> files = Files.walk(marathon)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode json = readOrNull(file);
        if (json != null && (json.path("apps").isArray() || json.path("app").isObject())) {
          documents.add(file);
        }
      }
    }
    return documents.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("appDocuments")
  void everyRecordedAppParsesAndEveryRunningTaskHasAnEndpointPerPort(Path file) throws Exception {
    for (MarathonApp app : apps(file)) {
      assertThat(app.id()).startsWith("/");
      for (MarathonTask task : app.tasks()) {
        if (task.state() == TaskState.RUNNING && !app.ports().isEmpty()) {
          assertThat(task.endpoints()).as(app.id() + " " + task.id()).hasSize(app.ports().size());
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "akka-mgmt-marathon1.6/docker_single_app_bridge.v2-apps-embed-tasks.json | 10000=192.168.65.112:11080 10001=192.168.65.112:22950",
        "akka-mgmt-marathon1.6/docker_single_app_host.v2-apps-embed-tasks.json | 80=192.168.65.60:80 443=192.168.65.60:443",
        "akka-mgmt-marathon1.6/docker_single_app_container.v2-apps-embed-tasks.json | 10000=9.0.2.130:80 10001=9.0.2.130:443",
        "marathon-lb/v2-apps-embed-tasks-marathon1.5-bridge-mesos-http-hc.json | 10000=10.0.6.25:16916,10.0.6.25:31184,10.0.6.25:23336",
        "marathon-lb/v2-apps-embed-tasks-2016-bridge-zdd-ports.json | 10000=10.0.6.25:16916,10.0.6.25:31184,10.0.6.25:23336",
        "v0.9/get-v2-app-toggle-embed-tasks.json | 10000=10.141.141.10:31045,10.141.141.10:31234"
      })
  void theRoutableBackendsOfEachServicePortAreExact(String file, String expected) throws Exception {
    MarathonApp app = apps(SharedFixtures.require("marathon/" + file.trim())).get(0);

    Map<Integer, List<String>> backends = new LinkedHashMap<>();
    for (PortSpec port : app.ports()) {
      backends.put(
          port.servicePort(),
          app.routableEndpoints(port.index()).stream().map(Endpoint::toString).toList());
    }

    Map<Integer, List<String>> want = new LinkedHashMap<>();
    for (String entry : expected.trim().split(" ")) {
      String[] kv = entry.split("=");
      want.put(Integer.parseInt(kv[0]), List.of(kv[1].split(",")));
    }
    assertThat(backends).isEqualTo(want);
  }

  @Test
  void theRecordedEventStreamsReadInBothFramings() throws Exception {
    List<MarathonEvent> modern = events("marathon/composed/events-stream-1.x-crlf.sse");
    List<MarathonEvent> legacy = events("marathon/composed/events-stream-0.9-data-only-crlf.sse");

    assertThat(modern)
        .extracting(MarathonEvent::type)
        .contains(
            "event_stream_attached",
            "api_post_event",
            "status_update_event",
            "health_status_changed_event",
            "app_terminated_event",
            "deployment_failed");
    assertThat(modern)
        .allSatisfy(e -> assertThat(e.data().path("eventType").asText()).isEqualTo(e.type()));
    assertThat(legacy).isNotEmpty().allSatisfy(e -> assertThat(e.type()).isNotEmpty());
  }

  private static List<MarathonEvent> events(String fixture) throws Exception {
    List<MarathonEvent> events = new ArrayList<>();
    try (InputStream in = Files.newInputStream(SharedFixtures.require(fixture))) {
      EventStreamReader.read(in, events::add);
    }
    return events;
  }

  private static List<MarathonApp> apps(Path file) throws Exception {
    JsonNode json = JSON.readTree(file.toFile());
    List<MarathonApp> apps = new ArrayList<>();
    if (json.has("app")) {
      apps.add(AppParser.parse(json.get("app")));
    }
    json.path("apps").forEach(a -> apps.add(AppParser.parse(a)));
    return apps;
  }

  private static JsonNode readOrNull(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (Exception notJson) {
      return null; // a few recordings are transcripts or carry the docs' typos
    }
  }
}
