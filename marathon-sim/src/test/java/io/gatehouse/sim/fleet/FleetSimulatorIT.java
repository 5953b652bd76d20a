package io.gatehouse.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testsupport.SharedFixtures;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Fleet simulator against fleet's recorded API ({@code ../shared/fixtures/fleet}): the same
 * requests get the same error bodies and statuses, responses carry only the fields of fleet's
 * discovery document, empty lists vanish, pages chain, and it serves a unix socket as fleet does.
 */
class FleetSimulatorIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<FleetSimulator.Machine> MACHINES =
      List.of(
          new FleetSimulator.Machine(
              "113f16a7e1a8c3a4b2c9d0e1f2a3b4c5", "172.17.8.103", Map.of("az", "us-west-1b")),
          new FleetSimulator.Machine(
              "85c0c595b4d3e2f1a0b9c8d7e6f5a4b3", "172.17.8.102", Map.of("az", "us-west-1b")));

  private Path fleet;
  private FleetSimulator simulator;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    fleet = SharedFixtures.require("fleet");
    simulator = FleetSimulator.start(MACHINES, 1, new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    if (simulator != null) {
      simulator.close();
    }
  }

  private record Answer(int status, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body.isEmpty() ? "{}" : body);
    }
  }

  private Answer send(String method, String path, String body, String contentType)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simulator.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  private Answer put(String unit, String body) throws Exception {
    return send("PUT", "/fleet/v1/units/" + unit, body, "application/json");
  }

  private JsonNode fixture(String relative) throws Exception {
    return JSON.readTree(fleet.resolve(relative).toFile());
  }

  private String fixtureText(String relative) throws Exception {
    return Files.readString(fleet.resolve(relative));
  }

  @Test
  void errorsMatchFleetsStatusesAndBodies() throws Exception {
    String create = fixtureText("put-unit-foo.service-create-request.json");
    String stateOnly = fixtureText("put-unit-bar.service-desiredstate-request.json");

    assertError(
        put("bar.service", stateOnly),
        "composed/errors/409-unit-does-not-exist-and-options-empty.json");
    assertThat(put("foo.service", create).status()).isEqualTo(201);
    assertError(put("foo.service", "{}"), "composed/errors/409-must-provide-desiredstate.json");
    JsonNode renamed = JSON.readTree(create);
    ((com.fasterxml.jackson.databind.node.ObjectNode) renamed).put("name", "bar.service");
    assertError(put("foo.service", renamed.toString()), "composed/errors/400-name-mismatch.json");
    assertError(
        send("PUT", "/fleet/v1/units/foo.service", create, "text/plain"),
        "composed/errors/415-content-type.json");
    assertError(
        send("GET", "/fleet/v1/units/nope.service", null, null),
        "composed/errors/404-unit-does-not-exist.json");
    assertError(
        send("GET", "/fleet/v1/nothing", null, null), "composed/errors/404-unknown-path.json");
    assertError(
        send("POST", "/fleet/v1/units/foo.service", create, "application/json"),
        "composed/errors/405-method.json");
    assertThat(put("foo.service", stateOnly).status()).isEqualTo(204); // a state change
    assertThat(send("DELETE", "/fleet/v1/units/foo.service", null, null).status()).isEqualTo(204);
    assertError(
        send("DELETE", "/fleet/v1/units/foo.service", null, null),
        "composed/errors/404-unit-does-not-exist.json");
  }

  private void assertError(Answer answer, String fixture) throws Exception {
    JsonNode expected = fixture(fixture);
    assertThat(answer.status()).isEqualTo(expected.path("error").path("code").asInt());
    assertThat(answer.json()).isEqualTo(expected);
  }

  @Test
  void responsesCarryOnlyFleetsFieldsAndEmptyListsVanish() throws Exception {
    JsonNode schemas = fixture("v1-schema.json").path("schemas");
    assertThat(send("GET", "/fleet/v1/units", null, null).json())
        .isEqualTo(fixture("composed/get-units-empty.json"));

    put("foo.service", fixtureText("put-unit-foo.service-create-request.json"));
    put("se.service", fixtureText("composed/put-unit-se.service-create-request.json"));

    JsonNode unit = send("GET", "/fleet/v1/units/foo.service", null, null).json();
    assertFields(unit, schemas.path("Unit"));
    assertThat(unit.path("currentState").asText()).isEqualTo("launched");
    assertThat(unit.has("machineID")).isTrue();
    unit.path("options").forEach(o -> assertFields(o, schemas.path("UnitOption")));
    JsonNode global = send("GET", "/fleet/v1/units/se.service", null, null).json();
    assertThat(global.has("machineID")).as("a global unit has no machineID").isFalse();

    List<JsonNode> states = all("/fleet/v1/state", "states", schemas.path("UnitStatePage"));
    states.forEach(s -> assertFields(s, schemas.path("UnitState")));
    assertThat(states).hasSize(3); // foo on one machine, the global se.service on both
    assertThat(states)
        .allSatisfy(s -> assertThat(s.path("systemdActiveState").asText()).isEqualTo("active"));
    List<JsonNode> machines = all("/fleet/v1/machines", "machines", schemas.path("MachinePage"));
    machines.forEach(m -> assertFields(m, schemas.path("Machine")));
    assertThat(machines)
        .extracting(m -> m.path("primaryIP").asText())
        .containsExactly("172.17.8.103", "172.17.8.102");
    assertThat(all("/fleet/v1/units", "units", schemas.path("UnitPage"))).hasSize(2);

    simulator.fail("foo.service");
    assertThat(
            send("GET", "/fleet/v1/state?unitName=foo.service", null, null)
                .json()
                .path("states")
                .path(0)
                .path("systemdActiveState")
                .asText())
        .isEqualTo("failed");
  }

  /** Every item of a paged list, following nextPageToken (the simulator pages one at a time). */
  private List<JsonNode> all(String path, String field, JsonNode pageSchema) throws Exception {
    List<JsonNode> items = new ArrayList<>();
    String token = null;
    do {
      JsonNode page =
          send(
                  "GET",
                  path
                      + (token == null
                          ? ""
                          : (path.contains("?") ? "&" : "?") + "nextPageToken=" + token),
                  null,
                  null)
              .json();
      assertFields(page, pageSchema);
      page.path(field).forEach(items::add);
      token = page.path("nextPageToken").asText(null);
    } while (token != null);
    return items;
  }

  private static void assertFields(JsonNode object, JsonNode schema) {
    Iterator<String> names = object.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      assertThat(schema.path("properties").has(name))
          .as("field %s is in fleet's schema", name)
          .isTrue();
    }
  }

  @Test
  void itServesAUnixSocketAsFleetDoes() throws Exception {
    Path socket = Files.createTempDirectory("fleet").resolve("fleet.sock");
    try (FleetSimulator onSocket =
            FleetSimulator.start(MACHINES, 100, UnixDomainSocketAddress.of(socket));
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      channel.write(
          ByteBuffer.wrap(
              "GET /fleet/v1/machines HTTP/1.1\r\nHost: fleet\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII)));
      StringBuilder response = new StringBuilder();
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        response.append(StandardCharsets.UTF_8.decode(buffer));
        buffer.clear();
        if (response.indexOf("\r\n\r\n") > 0 && response.toString().trim().endsWith("}")) {
          break;
        }
      }
      assertThat(response.toString()).startsWith("HTTP/1.1 200").contains("172.17.8.103");
    }
  }
}
