package io.gatehouse.semanager.driver.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.policy.v1.DeploymentMethod;
import io.gatehouse.api.policy.v1.FleetDeployment;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.api.policy.v1.ServiceEngineImage;
import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.ManagerAddress;
import io.gatehouse.semanager.inventory.EngineEvents;
import io.gatehouse.semanager.inventory.Inventory;
import io.gatehouse.semanager.inventory.InventoryDatabase;
import io.gatehouse.semanager.lifecycle.Reconciler;
import io.gatehouse.sim.fleet.FleetSimulator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Fleet driver against the Fleet simulator (fleet's v1 API as recorded in the shared fixtures),
 * over TCP and over a unix socket: one unit per engine pinned to its node's machine, found through
 * paged machine lists; a failed unit is replaced; units of nodes without a fleet machine and an
 * unreachable fleet fail with what to fix.
 */
class FleetDriverIT {
  private static final ObjectMapper json = new ObjectMapper();
  private static final List<FleetSimulator.Machine> MACHINES =
      List.of(
          new FleetSimulator.Machine("m-a", "10.0.0.1", Map.of()),
          new FleetSimulator.Machine("m-b", "10.0.0.2", Map.of("rack", "r2")),
          new FleetSimulator.Machine("m-c", "10.0.0.3", Map.of()));

  private FleetSimulator fleet;
  private FleetDriver driver;
  private String endpoint;

  @BeforeEach
  void start() throws Exception {
    fleet = FleetSimulator.start(MACHINES, 1, new InetSocketAddress("127.0.0.1", 0));
    endpoint = "http://127.0.0.1:" + fleet.port();
    driver =
        new FleetDriver(
            new FleetDriver.Settings(
                Duration.ofSeconds(5),
                ManagerAddress.plaintext("10.9.9.9:9103"),
                spec -> "credential-of-" + spec.seId()));
  }

  @AfterEach
  void stop() {
    driver.close();
    fleet.close();
  }

  private static ServiceEngineGroup group(String endpoint, String image) {
    return ServiceEngineGroup.newBuilder()
        .setMeta(ObjectMeta.newBuilder().setName("default"))
        .setDeploymentMethod(DeploymentMethod.DEPLOYMENT_METHOD_FLEET)
        .setFleet(FleetDeployment.newBuilder().setEndpoint(endpoint))
        .setImage(ServiceEngineImage.newBuilder().setDockerImage(image))
        .build();
  }

  private static EngineSpec engine(ServiceEngineGroup group, String host, String address) {
    return new EngineSpec("default@" + host, "agent-" + host, host, address, group);
  }

  private JsonNode unit(int port, String name) throws Exception {
    return json.readTree(
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/fleet/v1/units/" + name))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private static String option(JsonNode unit, String section, String name) {
    for (JsonNode o : unit.path("options")) {
      if (o.path("section").asText().equals(section) && o.path("name").asText().equals(name)) {
        return o.path("value").asText();
      }
    }
    return null;
  }

  @Test
  void anEngineIsAUnitPinnedToItsNodesMachine() throws Exception {
    EngineSpec engine =
        engine(group(endpoint, "gatehouse/service-engine:0.1.0"), "node-b", "10.0.0.2");

    assertThat(driver.running(engine)).isFalse();
    driver.start(engine);

    JsonNode unit = unit(fleet.port(), "gatehouse-se@node-b.service");
    assertThat(unit.path("machineID").asText()).isEqualTo("m-b"); // found on the second page
    assertThat(unit.path("currentState").asText()).isEqualTo("launched");
    assertThat(option(unit, "X-Fleet", "MachineID")).isEqualTo("m-b");
    assertThat(option(unit, "Service", "ExecStart"))
        .startsWith("/usr/bin/docker run --rm --name gatehouse-se --net=host")
        .contains("gatehouse/service-engine:0.1.0")
        .contains("--control=10.9.9.9:9103 --control-plaintext --se-id=default@node-b");
    assertThat(option(unit, "Service", "Environment"))
        .isEqualTo("GATEHOUSE_SE_TOKEN=credential-of-" + engine.seId());
    assertThat(driver.running(engine)).isTrue();

    driver.start(engine); // runs already: nothing changes
    assertThat(fleet.unitNames()).containsExactly("gatehouse-se@node-b.service");

    fleet.fail("gatehouse-se@node-b.service");
    assertThat(driver.running(engine)).isFalse();
    driver.start(engine); // the failed unit is replaced
    assertThat(driver.running(engine)).isTrue();

    driver.stop(engine);
    assertThat(fleet.unitNames()).isEmpty();
    assertThat(driver.running(engine)).isFalse();
    driver.stop(engine); // already gone
  }

  @Test
  void itSpeaksToFleetOnItsUnixSocket() throws Exception {
    Path socket = Files.createTempDirectory("fleet").resolve("fleet.sock");
    try (FleetSimulator onSocket =
        FleetSimulator.start(MACHINES, 100, UnixDomainSocketAddress.of(socket))) {
      EngineSpec engine = engine(group("unix://" + socket, ""), "node-a", "10.0.0.1");

      driver.start(engine);

      assertThat(onSocket.unitNames()).containsExactly("gatehouse-se@node-a.service");
      assertThat(driver.running(engine)).isTrue();
    }
  }

  @Test
  void failuresSayWhatToFix() {
    EngineSpec nowhere = engine(group(endpoint, ""), "node-x", "10.0.0.99");
    assertThatThrownBy(() -> driver.start(nowhere))
        .isInstanceOf(DriverException.class)
        .hasMessage(
            "no fleet machine has primary IP 10.0.0.99 (node node-x): is fleet running there?");

    EngineSpec unreachable = engine(group("http://127.0.0.1:1", ""), "node-a", "10.0.0.1");
    assertThatThrownBy(() -> driver.running(unreachable))
        .isInstanceOf(DriverException.class)
        .hasMessageStartingWith("fleet at http://127.0.0.1:1 does not answer");
  }

  @Test
  void theReconcilerKeepsAUnitOnEveryNodeAndReplacesAFailedOne() {
    javax.sql.DataSource dataSource = InventoryDatabase.migrated();
    Inventory inventory = new Inventory(dataSource);
    Reconciler reconciler =
        new Reconciler(
            inventory,
            List.of(driver),
            new Reconciler.Settings(
                Duration.ofHours(1),
                Duration.ofSeconds(60),
                Duration.ofSeconds(15),
                Duration.ofSeconds(30),
                DeploymentMethod.DEPLOYMENT_METHOD_MARATHON),
            Clock.systemUTC());
    reconciler.groups(Map.of("default", group(endpoint, "")));
    reconciler.nodes(
        Map.of(
            "agent-a", node("node-a", "10.0.0.1"),
            "agent-b", node("node-b", "10.0.0.2")));
    reconciler.leading(true);

    reconciler.pass();
    assertThat(fleet.unitNames())
        .containsExactlyInAnyOrder("gatehouse-se@node-a.service", "gatehouse-se@node-b.service");

    // node-a's engine connected, then its unit failed and its stream broke
    inventory.connected("default@node-a", "agent-a", "node-a", "default", "v1");
    fleet.fail("gatehouse-se@node-a.service");
    inventory.disconnected("default@node-a", "connection reset");
    reconciler.pass();

    assertThat(new EngineEvents(dataSource).page("default@node-a", 0, 1).get(0).type())
        .isEqualTo("REPLACED");
    assertThat(inventory.get("default@node-a").orElseThrow().state())
        .isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_STARTING);
  }

  private static Node node(String host, String address) {
    return Node.newBuilder()
        .setId("agent-" + host.substring(host.length() - 1))
        .setHostname(host)
        .setAddress(address)
        .setActive(true)
        .build();
  }
}
