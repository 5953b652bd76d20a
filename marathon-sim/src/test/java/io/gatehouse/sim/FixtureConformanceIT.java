package io.gatehouse.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.gatehouse.testsupport.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * marathon-sim against recorded real Marathon 1.5 and 1.6 answers (shared/fixtures/marathon): each
 * recorded app, posted to the simulator, comes back with the same fields of the same JSON types;
 * every app the simulator answers validates against Marathon's published AppDefinition schema; the
 * events it emits carry the recorded field sets. Skipped when the fixtures are absent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FixtureConformanceIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Set<String> RUNTIME_FIELDS =
      Set.of(
          "version",
          "versionInfo",
          "tasks",
          "tasksStaged",
          "tasksRunning",
          "tasksHealthy",
          "tasksUnhealthy",
          "deployments",
          "lastTaskFailure",
          "readinessCheckResults");

  private Simulator sim;
  private SimClient client;
  private int posted;

  @BeforeAll
  void start() throws Exception {
    sim =
        Simulator.start(
            SimulatorConfig.forTests(true, Files.createTempDirectory("sim-conformance")));
    client = new SimClient(sim.marathonUrl());
  }

  @AfterAll
  void stop() {
    sim.close();
  }

  static Stream<Path> recordings() throws Exception {
    Path marathon = SharedFixtures.require("marathon");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> akka = Files.list(marathon.resolve("akka-mgmt-marathon1.6"))) {
      akka.filter(p -> p.toString().endsWith(".v2-apps-embed-tasks.json")).forEach(files::add);
    }
    try (Stream<Path> lb = Files.list(marathon.resolve("marathon-lb"))) {
      lb.filter(p -> p.getFileName().toString().startsWith("v2-apps-embed-tasks-marathon1.5"))
          .forEach(files::add);
    }
    return files.stream().sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordings")
  void aRecordedAppComesBackWithTheSameFieldsAndTypes(Path recording) throws Exception {
    boolean marathon16 = recording.toString().contains("1.6");
    for (JsonNode recorded : SimClient.JSON.readTree(Files.readString(recording)).get("apps")) {
      String id = "/conformance-" + (++posted);
      ObjectNode definition = ((ObjectNode) recorded).deepCopy();
      RUNTIME_FIELDS.forEach(definition::remove);
      definition.put("id", id);
      // the recordings reuse service ports (e.g. 10000); a second app may not take one again
      definition.findParents("servicePort").forEach(m -> ((ObjectNode) m).put("servicePort", 0));
      if (definition.has("portDefinitions")) {
        definition.get("portDefinitions").forEach(d -> ((ObjectNode) d).put("port", 0));
      }
      assertThat(client.post("/v2/apps", definition.toString()).status()).isEqualTo(201);
      await()
          .atMost(WAIT)
          .until(() -> app(id).get("tasksRunning").asInt() == recorded.get("instances").asInt());
      JsonNode ours = app(id);

      assertThat(fields(ours))
          .as("app fields of " + recording.getFileName())
          .isEqualTo(fields(recorded));
      assertSameTypes(recorded, ours, "app");
      if (recorded.get("tasks").size() > 0) {
        JsonNode recordedTask = recorded.get("tasks").get(0);
        JsonNode ourTask = ours.get("tasks").get(0);
        if (marathon16) {
          assertThat(fields(ourTask)).as("task fields").isEqualTo(fields(recordedTask));
        } else {
          assertThat(fields(ourTask)).as("task fields").containsAll(fields(recordedTask));
        }
        assertSameTypes(recordedTask, ourTask, "task");
      }
    }
  }

  /**
   * The simulated Mesos master's agents against the recorded ones, so that discovery-svc (which
   * reads both) agrees with Mesos and not only with the simulator: every field a recorded agent has
   * that discovery-svc reads is there, with the recorded type, in {@code /master/slaves} and {@code
   * /master/state}.
   */
  @Test
  void theMastersAgentsCarryTheRecordedFieldsThatDiscoveryReads() throws Exception {
    List<String> read =
        List.of(
            "id",
            "hostname",
            "port",
            "pid",
            "attributes",
            "resources",
            "used_resources",
            "active",
            "registered_time");
    JsonNode recordedSlaves =
        SimClient.JSON
            .readTree(
                Files.readString(SharedFixtures.require("mesos/composed/master-slaves-1.x.json")))
            .get("slaves")
            .get(0);
    JsonNode recordedState =
        SimClient.JSON
            .readTree(
                Files.readString(
                    SharedFixtures.require("mesos/master-state-0.19-mesos-dns-test-fixture.json")))
            .get("slaves")
            .get(0);
    SimClient mesos = new SimClient(sim.mesosUrl());

    for (String endpoint : List.of("/master/slaves", "/master/state")) {
      JsonNode ours = mesos.get(endpoint).json().get("slaves").get(0);
      JsonNode recorded = endpoint.equals("/master/slaves") ? recordedSlaves : recordedState;
      for (String field : read) {
        if (recorded.has(field)) {
          assertThat(ours.has(field)).as(endpoint + " agent has " + field).isTrue();
          assertThat(type(ours.get(field)))
              .as(endpoint + " ." + field)
              .isEqualTo(type(recorded.get(field)));
        }
      }
      for (String resource : List.of("cpus", "mem", "disk", "ports")) {
        assertThat(type(ours.path("resources").path(resource)))
            .as(endpoint + " .resources." + resource)
            .isEqualTo(type(recordedSlaves.path("resources").path(resource)));
      }
      assertThat(ours.get("pid").asText())
          .as("slave(1)@host:port")
          .matches("slave\\(\\d+\\)@[^:]+:\\d+");
    }
  }

  @Test
  void everyAnsweredAppValidatesAgainstMarathonsPublishedSchema() throws Exception {
    ObjectNode schemaJson =
        (ObjectNode)
            SimClient.JSON.readTree(
                Files.readString(
                    SharedFixtures.require("marathon/schema/AppDefinition-1.7.216.schema.json")));
    schemaJson.remove("$schema"); // "http://json-schema.org/schema#": draft 4 in practice
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schemaJson);
    for (Path guide :
        Files.list(SharedFixtures.require("avi-guides"))
            .filter(p -> p.toString().endsWith(".json"))
            .toList()) {
      ObjectNode definition = (ObjectNode) SimClient.JSON.readTree(Files.readString(guide));
      definition.put("id", "/schema-" + (++posted));
      client.post("/v2/apps", definition.toString());
    }

    JsonNode apps = client.get("/v2/apps").json().get("apps");
    assertThat(apps).isNotEmpty();
    for (JsonNode app : apps) {
      ObjectNode definition = ((ObjectNode) app).deepCopy();
      RUNTIME_FIELDS.stream().filter(f -> !f.startsWith("version")).forEach(definition::remove);
      Set<ValidationMessage> errors = schema.validate(definition);
      assertThat(errors).as(app.get("id").asText()).isEmpty();
    }
  }

  @Test
  void emittedEventsCarryTheRecordedFieldSets() throws Exception {
    Map<String, Set<String>> recorded = new HashMap<>();
    String stream =
        Files.readString(SharedFixtures.require("marathon/composed/events-stream-1.x-crlf.sse"));
    for (String frame : stream.split("\r\n\r\n")) {
      String trimmed = frame.replaceFirst("^(\r\n)+", "");
      if (trimmed.startsWith("event: ")) {
        String type = trimmed.substring(7, trimmed.indexOf("\r\n"));
        JsonNode data = SimClient.JSON.readTree(trimmed.substring(trimmed.indexOf("data: ") + 6));
        recorded.putIfAbsent(type, fields(data));
      }
    }
    try (RawEventStream events = new RawEventStream(sim.marathonUrl(), "text/event-stream", null)) {
      await().atMost(WAIT).until(() -> events.eventTypes().contains("event_stream_attached"));
      String app =
          """
          {"id": "events-conformance", "instances": 1, "cmd": "sleep 1000",
           "healthChecks": [{"protocol": "HTTP", "path": "/", "portIndex": 0}]}
          """;
      client.post("/v2/apps", app);
      await().atMost(WAIT).until(() -> events.eventTypes().contains("deployment_success"));
      client.delete("/v2/apps/events-conformance");
      await().atMost(WAIT).until(() -> events.eventTypes().contains("app_terminated_event"));

      Set<String> compared = new TreeSet<>();
      for (String type : new TreeSet<>(events.eventTypes())) {
        if (recorded.containsKey(type)) {
          JsonNode ours = SimClient.JSON.readTree(events.data(type).get(0));
          assertThat(fields(ours)).as(type).isEqualTo(recorded.get(type));
          compared.add(type);
        }
      }
      assertThat(compared)
          .contains(
              "event_stream_attached",
              "api_post_event",
              "deployment_info",
              "status_update_event",
              "instance_changed_event",
              "health_status_changed_event",
              "deployment_success",
              "app_terminated_event");
    }
  }

  private JsonNode app(String id) {
    return client.get("/v2/apps?embed=apps.tasks").json().get("apps").findParents("id").stream()
        .filter(a -> a.get("id").asText().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private static Set<String> fields(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Same JSON type for every field both have (numbers are numbers, nulls match anything). */
  private static void assertSameTypes(JsonNode recorded, JsonNode ours, String path) {
    for (Map.Entry<String, JsonNode> field : recorded.properties()) {
      JsonNode theirs = field.getValue();
      JsonNode mine = ours.get(field.getKey());
      String at = path + "." + field.getKey();
      if (mine == null || theirs.isNull() || mine.isNull()) {
        continue;
      }
      assertThat(type(mine)).as(at).isEqualTo(type(theirs));
      if (theirs.isObject() && !field.getKey().equals("labels") && !field.getKey().equals("env")) {
        assertSameTypes(theirs, mine, at);
      } else if (theirs.isArray()
          && theirs.size() > 0
          && mine.size() > 0
          && theirs.get(0).isObject()) {
        assertSameTypes(theirs.get(0), mine.get(0), at + "[0]");
      }
    }
  }

  private static JsonNodeType type(JsonNode node) {
    return node.getNodeType();
  }
}
