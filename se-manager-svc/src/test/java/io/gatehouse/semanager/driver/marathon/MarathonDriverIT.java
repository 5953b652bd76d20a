package io.gatehouse.semanager.driver.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.policy.v1.AttributeMatch;
import io.gatehouse.api.policy.v1.DeploymentMethod;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.Placement;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.api.policy.v1.ServiceEngineImage;
import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.ManagerAddress;
import io.gatehouse.semanager.inventory.Inventory;
import io.gatehouse.semanager.inventory.InventoryDatabase;
import io.gatehouse.semanager.lifecycle.Eligibility;
import io.gatehouse.semanager.lifecycle.Reconciler;
import io.gatehouse.sim.Simulator;
import io.gatehouse.sim.SimulatorConfig;
import io.gatehouse.sim.mesos.AgentSpec;
import io.gatehouse.testsupport.SteppedClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Marathon driver against marathon-sim's Marathon API: the group's app is created with host
 * networking, hostname:UNIQUE and the placement as constraints, is left alone when it already
 * matches, follows the number of eligible agents, and an engine is restarted by killing its task.
 */
class MarathonDriverIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper json = new ObjectMapper();

  private Simulator simulator;
  private MarathonDriver driver;
  private static final String REGISTRY = "registry.example:5000";
  private static final String REGISTRY_CREDENTIALS = "engines:pull-secret";
  private java.util.concurrent.atomic.AtomicInteger issued;
  private SteppedClock clock;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    SimulatorConfig base = SimulatorConfig.forTests(true, Files.createTempDirectory("sim"));
    simulator =
        Simulator.start(
            new SimulatorConfig(
                base.bindAddress(),
                0,
                0,
                0,
                List.of(
                    AgentSpec.parse("127.0.0.2:rack=edge"),
                    AgentSpec.parse("127.0.0.3:rack=core"),
                    AgentSpec.parse("127.0.0.4:rack=edge,maintenance=yes")),
                null,
                base.secretsToken(),
                true,
                base.hostPorts(),
                base.servicePorts(),
                base.images(),
                Map.of(REGISTRY, REGISTRY_CREDENTIALS),
                base.sandboxes(),
                base.heartbeat(),
                base.maxOutstandingEvents(),
                base.clock()));
    issued = new java.util.concurrent.atomic.AtomicInteger();
    clock = new SteppedClock();
    driver =
        new MarathonDriver(
            new MarathonDriver.Settings(
                URI.create(simulator.marathonUrl()),
                null,
                MarathonDriver.DEFAULT_COMMAND,
                ManagerAddress.trusting("10.0.0.1:9103", "/etc/gatehouse/ca.pem"),
                groupCredentials(SimulatorConfig.TEST_SECRETS_TOKEN),
                pullConfigs(SimulatorConfig.TEST_SECRETS_TOKEN)));
  }

  /** Group credentials in the simulator's secret store, a new one at every issue. */
  private GroupCredentials groupCredentials(String token) {
    return new GroupCredentials(
        new SecretStore(URI.create(simulator.mesosUrl() + "/secrets/v1"), "default", token),
        "gatehouse/engine-credential/{group}",
        group -> "credential-" + issued.incrementAndGet() + "-of-" + group,
        Duration.ofDays(30),
        clock);
  }

  /** Docker configs in the simulator's secret store. */
  private RegistryPullConfigs pullConfigs(String token) {
    return new RegistryPullConfigs(
        new SecretStore(URI.create(simulator.mesosUrl() + "/secrets/v1"), "default", token),
        "gatehouse/registry-credential/{group}");
  }

  private String storedSecret(String path) throws Exception {
    return json.readTree(
            http.send(
                    HttpRequest.newBuilder(
                            URI.create(simulator.mesosUrl() + "/secrets/v1/secret/default/" + path))
                        .header("Authorization", "token=" + SimulatorConfig.TEST_SECRETS_TOKEN)
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body())
        .path("value")
        .asText();
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  private static ServiceEngineGroup group(String name, Placement placement) {
    return ServiceEngineGroup.newBuilder()
        .setMeta(ObjectMeta.newBuilder().setName(name))
        .setPlacement(placement)
        .setDeploymentMethod(DeploymentMethod.DEPLOYMENT_METHOD_MARATHON)
        .build();
  }

  private List<Node> nodes() {
    List<Node> nodes = new ArrayList<>();
    simulator
        .agents()
        .forEach(
            a ->
                nodes.add(
                    Node.newBuilder()
                        .setId(a.id())
                        .setHostname(a.hostname())
                        .setAddress(a.hostname())
                        .setActive(true)
                        .putAllAttributes(a.attributes())
                        .build()));
    return nodes;
  }

  private List<EngineSpec> specs(ServiceEngineGroup group) {
    return Eligibility.assign(List.of(group), nodes()).get(group.getMeta().getName()).stream()
        .map(
            n ->
                new EngineSpec(
                    EngineSpec.idOf(group.getMeta().getName(), n.getHostname()),
                    n.getId(),
                    n.getHostname(),
                    n.getAddress(),
                    group))
        .toList();
  }

  private JsonNode get(String path) throws Exception {
    return json.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create(simulator.marathonUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private Set<String> taskHosts(String appId) throws Exception {
    Set<String> hosts = new java.util.HashSet<>();
    get("/v2/apps" + appId + "/tasks")
        .path("tasks")
        .forEach(t -> hosts.add(t.path("host").asText()));
    return hosts;
  }

  @Test
  void theGroupRunsAsOneAppWithAnEngineOnEveryEligibleAgent() throws Exception {
    ServiceEngineGroup group = group("default", Placement.getDefaultInstance());
    driver.apply(group, specs(group));

    JsonNode app = get("/v2/apps/gatehouse/service-engine").path("app");
    assertThat(app.path("instances").asInt()).isEqualTo(3);
    assertThat(app.path("cmd").asText())
        .contains("--control=10.0.0.1:9103 --control-ca=/etc/gatehouse/ca.pem")
        .contains("--se-id=default@\"$HOST\"")
        .contains("--hostname=\"$HOST\"");
    // the credential is a Marathon secret: the app says where it is, the store holds it
    assertThat(app.path("env").path("GATEHOUSE_SE_TOKEN").path("secret").asText())
        .isEqualTo("gatehouse-engine-credential");
    assertThat(app.path("secrets").path("gatehouse-engine-credential").path("source").asText())
        .isEqualTo("gatehouse/engine-credential/default");
    assertThat(app.toString()).doesNotContain("credential-1");
    assertThat(storedSecret("gatehouse/engine-credential/default"))
        .isEqualTo("credential-1-of-default");
    assertThat(app.path("constraints").toString()).contains("[\"hostname\",\"UNIQUE\"]");
    assertThat(app.path("networks").path(0).path("mode").asText()).isEqualTo("host");
    assertThat(app.path("labels").path("gatehouse.se-group").asText()).isEqualTo("default");
    await()
        .atMost(WAIT)
        .until(
            () ->
                taskHosts("/gatehouse/service-engine")
                    .equals(Set.of("127.0.0.2", "127.0.0.3", "127.0.0.4")));

    // applied again unchanged: Marathon is not asked for a new version, no credential is issued
    String version = app.path("version").asText();
    driver.apply(group, specs(group));
    assertThat(get("/v2/apps/gatehouse/service-engine").path("app").path("version").asText())
        .isEqualTo(version);
    assertThat(issued.get()).isEqualTo(1);

    // half the credential's life later it is renewed in the store; the app stays as it is
    clock.advance(Duration.ofDays(15).plusMinutes(1));
    driver.apply(group, specs(group));
    assertThat(storedSecret("gatehouse/engine-credential/default"))
        .isEqualTo("credential-2-of-default");
    assertThat(get("/v2/apps/gatehouse/service-engine").path("app").path("version").asText())
        .isEqualTo(version);

    // no eligible agent left: the app is scaled to nothing, not deleted
    driver.apply(group, List.of());
    assertThat(get("/v2/apps/gatehouse/service-engine").path("app").path("instances").asInt())
        .isZero();
  }

  @Test
  void anImageFromAPrivateRegistryIsPulledWithTheGroupsCredentialsKeptInTheSecretStore()
      throws Exception {
    ServiceEngineImage image =
        ServiceEngineImage.newBuilder()
            .setDockerImage(REGISTRY + "/gatehouse/service-engine:1")
            .setRegistryCredentials(REGISTRY_CREDENTIALS)
            .build();
    ServiceEngineGroup group =
        group("private", Placement.getDefaultInstance()).toBuilder().setImage(image).build();
    driver.apply(group, specs(group));

    JsonNode app = get("/v2/apps/gatehouse/service-engine-private").path("app");
    assertThat(app.path("container").path("type").asText()).isEqualTo("MESOS");
    assertThat(app.path("container").path("docker").path("pullConfig").path("secret").asText())
        .isEqualTo("gatehouse-registry");
    assertThat(app.path("secrets").path("gatehouse-registry").path("source").asText())
        .isEqualTo("gatehouse/registry-credential/private");
    String auth =
        Base64.getEncoder().encodeToString(REGISTRY_CREDENTIALS.getBytes(StandardCharsets.UTF_8));
    assertThat(app.toString()).doesNotContain(REGISTRY_CREDENTIALS).doesNotContain(auth);
    assertThat(
            json.readTree(storedSecret("gatehouse/registry-credential/private"))
                .path("auths")
                .path(REGISTRY)
                .path("auth")
                .asText())
        .isEqualTo(auth);
    // the simulator's registry lets the engines' image be pulled: every engine runs
    await()
        .atMost(WAIT)
        .until(
            () ->
                get("/v2/apps/gatehouse/service-engine-private")
                        .path("app")
                        .path("tasksRunning")
                        .asInt()
                    == specs(group).size());
    String version = app.path("version").asText();
    driver.apply(group, specs(group)); // nothing changed: the app is not written again
    assertThat(
            get("/v2/apps/gatehouse/service-engine-private").path("app").path("version").asText())
        .isEqualTo(version);

    // without the credentials the same image cannot be pulled
    ServiceEngineGroup bare =
        group("bare", Placement.getDefaultInstance()).toBuilder()
            .setImage(image.toBuilder().clearRegistryCredentials())
            .build();
    driver.apply(bare, specs(bare));
    await()
        .atMost(WAIT)
        .until(
            () ->
                get("/v2/apps/gatehouse/service-engine-bare?embed=app.lastTaskFailure")
                    .path("app")
                    .path("lastTaskFailure")
                    .path("message")
                    .asText()
                    .contains("401 Unauthorized"));
  }

  @Test
  void anEngineInAContainerGetsTheFolderOfItsNodesCaFile() {
    ServiceEngineGroup group =
        group("boxed", Placement.getDefaultInstance()).toBuilder()
            .setImage(
                io.gatehouse.api.policy.v1.ServiceEngineImage.newBuilder()
                    .setDockerImage("gatehouse/service-engine:0.1.0"))
            .build();

    JsonNode app = driver.definition(group, 1);

    assertThat(app.path("cmd").asText()).contains("--control-ca=/etc/gatehouse/ca.pem");
    JsonNode volume = app.path("container").path("volumes").path(0);
    assertThat(volume.path("hostPath").asText()).isEqualTo("/etc/gatehouse");
    assertThat(volume.path("containerPath").asText()).isEqualTo("/etc/gatehouse");
    assertThat(volume.path("mode").asText()).isEqualTo("RO");
  }

  @Test
  void placementBecomesLikeAndUnlikeConstraintsThatMarathonHonours() throws Exception {
    ServiceEngineGroup edge =
        group(
            "edge",
            Placement.newBuilder()
                .addIncludeAttributes(AttributeMatch.newBuilder().setName("rack").addValues("edge"))
                .build());
    ServiceEngineGroup notEdge =
        group(
            "core",
            Placement.newBuilder()
                .addExcludeAttributes(AttributeMatch.newBuilder().setName("rack").addValues("edge"))
                .addExcludeAttributes(AttributeMatch.newBuilder().setName("maintenance"))
                .build());

    driver.apply(edge, specs(edge));
    driver.apply(notEdge, specs(notEdge));

    assertThat(
            get("/v2/apps/gatehouse/service-engine-edge")
                .path("app")
                .path("constraints")
                .toString())
        .contains("[\"rack\",\"LIKE\",\"\\\\Qedge\\\\E\"]");
    assertThat(
            get("/v2/apps/gatehouse/service-engine-core")
                .path("app")
                .path("constraints")
                .toString())
        .contains("[\"rack\",\"UNLIKE\",\"\\\\Qedge\\\\E\"]")
        .contains("[\"maintenance\",\"UNLIKE\",\".*\"]");
    // Marathon places the tasks by the constraints, not by the order of its agents
    await()
        .atMost(WAIT)
        .until(
            () ->
                taskHosts("/gatehouse/service-engine-edge")
                    .equals(Set.of("127.0.0.2", "127.0.0.4")));
    await()
        .atMost(WAIT)
        .until(() -> taskHosts("/gatehouse/service-engine-core").equals(Set.of("127.0.0.3")));
  }

  @Test
  void anEngineIsRestartedByKillingItsTask() throws Exception {
    ServiceEngineGroup group = group("default", Placement.getDefaultInstance());
    List<EngineSpec> specs = specs(group);
    driver.apply(group, specs);
    await().atMost(WAIT).until(() -> taskHosts("/gatehouse/service-engine").size() == 3);
    Map<String, String> before = tasksByHost();

    driver.restart(specs.get(1));

    await()
        .atMost(WAIT)
        .until(
            () -> {
              Map<String, String> now = tasksByHost();
              return now.size() == 3
                  && !now.get("127.0.0.3").equals(before.get("127.0.0.3"))
                  && now.get("127.0.0.2").equals(before.get("127.0.0.2"));
            });
  }

  @Test
  void theReconcilerHandsTheGroupToMarathonAndRecordsTheEngines() {
    Inventory inventory = InventoryDatabase.fresh();
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
    Map<String, Node> nodes = new HashMap<>();
    nodes().forEach(n -> nodes.put(n.getId(), n));
    reconciler.groups(
        Map.of(
            "default",
            group("default", Placement.getDefaultInstance()).toBuilder()
                .setDeploymentMethod(DeploymentMethod.DEPLOYMENT_METHOD_UNSPECIFIED)
                .build()));
    reconciler.nodes(nodes);
    reconciler.leading(true);

    reconciler.pass();

    assertThat(inventory.all())
        .extracting(Inventory.Engine::id)
        .containsExactlyInAnyOrder("default@127.0.0.2", "default@127.0.0.3", "default@127.0.0.4");
    assertThat(inventory.all())
        .allSatisfy(
            e -> {
              assertThat(e.state()).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_STARTING);
              assertThat(e.deploymentMethod()).isEqualTo("marathon");
            });
    await().atMost(WAIT).until(() -> taskHosts("/gatehouse/service-engine").size() == 3);

    // an agent leaves: the app shrinks and its engine is decommissioned
    nodes.remove(simulator.agents().get(2).id());
    reconciler.nodes(nodes);
    reconciler.pass();
    assertThat(inventory.get("default@127.0.0.4").orElseThrow().state())
        .isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_DECOMMISSIONED);
    await()
        .atMost(WAIT)
        .until(
            () ->
                get("/v2/apps/gatehouse/service-engine").path("app").path("instances").asInt()
                    == 2);
  }

  @Test
  void anUnreachableMarathonIsADriverErrorThatSaysWhere() {
    MarathonDriver nowhere =
        new MarathonDriver(
            new MarathonDriver.Settings(
                URI.create("http://127.0.0.1:1"),
                null,
                MarathonDriver.DEFAULT_COMMAND,
                ManagerAddress.plaintext("m"),
                groupCredentials(SimulatorConfig.TEST_SECRETS_TOKEN),
                pullConfigs(SimulatorConfig.TEST_SECRETS_TOKEN)));
    ServiceEngineGroup group = group("default", Placement.getDefaultInstance());

    assertThatThrownBy(() -> nowhere.apply(group, List.of()))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("Marathon at http://127.0.0.1:1 does not answer");
  }

  @Test
  void aSecretStoreThatRefusesTheTokenStopsTheAppAndSaysWhy() throws Exception {
    MarathonDriver refused =
        new MarathonDriver(
            new MarathonDriver.Settings(
                URI.create(simulator.marathonUrl()),
                null,
                MarathonDriver.DEFAULT_COMMAND,
                ManagerAddress.plaintext("m"),
                groupCredentials("a-wrong-token"),
                pullConfigs("a-wrong-token")));
    ServiceEngineGroup group = group("default", Placement.getDefaultInstance());

    assertThatThrownBy(() -> refused.apply(group, specs(group)))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("secret store")
        .hasMessageContaining("401")
        .hasMessageNotContaining("a-wrong-token");
    assertThat(get("/v2/apps/gatehouse/service-engine").path("app").isMissingNode()).isTrue();
  }

  private Map<String, String> tasksByHost() throws Exception {
    return java.util.stream.StreamSupport.stream(
            get("/v2/apps/gatehouse/service-engine/tasks").path("tasks").spliterator(), false)
        .collect(Collectors.toMap(t -> t.path("host").asText(), t -> t.path("id").asText()));
  }
}
