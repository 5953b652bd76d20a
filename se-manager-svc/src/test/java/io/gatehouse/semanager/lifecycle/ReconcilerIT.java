package io.gatehouse.semanager.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.policy.v1.AttributeMatch;
import io.gatehouse.api.policy.v1.DeploymentMethod;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.Placement;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.NodeDriver;
import io.gatehouse.semanager.inventory.EngineEvents;
import io.gatehouse.semanager.inventory.EngineLoad;
import io.gatehouse.semanager.inventory.Inventory;
import io.gatehouse.semanager.inventory.InventoryDatabase;
import io.gatehouse.testsupport.SteppedClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's decisions, one pass at a time, against a real inventory in PostgreSQL. The
 * driver here records what it is asked and keeps a set of "running" engines; the real drivers are
 * tested against their real peers (child processes, marathon-sim, SSH, Fleet).
 */
class ReconcilerIT {
  private static final Reconciler.Settings SETTINGS =
      new Reconciler.Settings(
          Duration.ofHours(1),
          Duration.ofSeconds(60),
          Duration.ofSeconds(15),
          Duration.ofSeconds(30),
          DeploymentMethod.DEPLOYMENT_METHOD_LOCAL);

  private javax.sql.DataSource dataSource;
  private Inventory inventory;
  private EngineEvents events;
  private RecordingDriver driver;
  private SteppedClock clock;
  private Reconciler reconciler;

  @BeforeEach
  void setUp() {
    dataSource = InventoryDatabase.migrated();
    inventory = new Inventory(dataSource);
    events = new EngineEvents(dataSource);
    driver = new RecordingDriver();
    clock = new SteppedClock();
    reconciler = new Reconciler(inventory, List.of(driver), SETTINGS, clock);
  }

  private static ServiceEngineGroup group(String name, Placement placement, int spawnRate) {
    return ServiceEngineGroup.newBuilder()
        .setMeta(ObjectMeta.newBuilder().setName(name))
        .setPlacement(placement)
        .setSpawnRatePerMinute(spawnRate)
        .build();
  }

  private static Node node(String hostname, boolean active, Map<String, String> attributes) {
    return Node.newBuilder()
        .setId("agent-" + hostname)
        .setHostname(hostname)
        .setAddress("10.0.0." + hostname.substring(1))
        .setActive(active)
        .putAllAttributes(attributes)
        .build();
  }

  private void lead(List<ServiceEngineGroup> groups, List<Node> nodes) {
    Map<String, ServiceEngineGroup> byName = new java.util.HashMap<>();
    groups.forEach(g -> byName.put(g.getMeta().getName(), g));
    Map<String, Node> byId = new java.util.HashMap<>();
    nodes.forEach(n -> byId.put(n.getId(), n));
    reconciler.groups(byName);
    reconciler.nodes(byId);
    reconciler.leading(true);
  }

  private ServiceEngineState state(String id) {
    return inventory.get(id).orElseThrow().state();
  }

  private List<String> events(String id) {
    return events.page(id, 0, 100).stream().map(EngineEvents.Event::type).toList();
  }

  @Test
  void eachEligibleActiveNodeGetsOneEngineOfTheMostSpecificGroup() {
    Placement edgeOnly =
        Placement.newBuilder()
            .addIncludeAttributes(AttributeMatch.newBuilder().setName("rack").addValues("edge"))
            .build();
    Placement notGpu =
        Placement.newBuilder()
            .addExcludeAttributes(AttributeMatch.newBuilder().setName("gpu"))
            .build();
    lead(
        List.of(group("default", notGpu, 0), group("edge", edgeOnly, 0)),
        List.of(
            node("n1", true, Map.of("rack", "edge")),
            node("n2", true, Map.of("rack", "core")),
            node("n3", false, Map.of()),
            node("n4", true, Map.of("gpu", "yes"))));

    reconciler.pass();

    assertThat(driver.started).containsExactlyInAnyOrder("edge@n1", "default@n2");
    assertThat(state("edge@n1")).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_STARTING);
    Inventory.Engine engine = inventory.get("default@n2").orElseThrow();
    assertThat(engine.nodeId()).isEqualTo("agent-n2");
    assertThat(engine.address()).isEqualTo("10.0.0.2");
    assertThat(engine.deploymentMethod()).isEqualTo("local");
    assertThat(events("default@n2")).containsExactly("DEPLOYED", "PLANNED");

    reconciler.pass(); // nothing changed: nothing more is started
    assertThat(driver.started).hasSize(2);
  }

  @Test
  void nothingIsDecidedBeforeLeadingWithNodesAndGroupsKnown() {
    reconciler.groups(Map.of("default", group("default", Placement.getDefaultInstance(), 0)));
    reconciler.leading(true);
    reconciler.pass(); // no node snapshot yet
    reconciler.nodes(Map.of("agent-n1", node("n1", true, Map.of())));
    reconciler.leading(false);
    reconciler.pass(); // not the leader

    assertThat(driver.started).isEmpty();
    assertThat(inventory.all()).isEmpty();
  }

  @Test
  void startsAreBoundedByTheGroupsSpawnRate() {
    lead(
        List.of(group("default", Placement.getDefaultInstance(), 2)),
        List.of(
            node("n1", true, Map.of()), node("n2", true, Map.of()), node("n3", true, Map.of())));

    reconciler.pass();
    assertThat(driver.started).hasSize(2);
    assertThat(state("default@n3")).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_PENDING);

    clock.advance(Duration.ofSeconds(10)); // a third of a start
    reconciler.pass();
    assertThat(driver.started).hasSize(2);

    clock.advance(Duration.ofSeconds(25));
    reconciler.pass();
    assertThat(driver.started).containsExactly("default@n1", "default@n2", "default@n3");
  }

  @Test
  void aLostEngineIsReplacedAtOnceWhenItsProcessIsGoneAndAfterASilenceWhenItRuns() {
    twoConnectedEngines();
    reconciler.pass();
    assertThat(driver.started).hasSize(2);

    // n1's process died; n2's stream broke but its process still runs
    driver.running.remove("default@n1");
    inventory.disconnected("default@n1", "connection reset");
    inventory.disconnected("default@n2", "connection reset");
    reconciler.pass();
    assertThat(driver.started).containsExactly("default@n1", "default@n2", "default@n1");
    assertThat(driver.stopped).isEmpty();
    assertThat(events("default@n1")).first().isEqualTo("REPLACED");
    assertThat(state("default@n2")).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_DISCONNECTED);

    clock.advance(Duration.ofSeconds(16));
    reconciler.pass();
    assertThat(driver.stopped).containsExactly("default@n2");
    assertThat(driver.started).endsWith("default@n2");
    assertThat(events("default@n2")).first().isEqualTo("REPLACED");
    assertThat(state("default@n2")).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_STARTING);
  }

  @Test
  void aConnectedEngineWithoutHeartbeatsCountsAsDisconnectedUntilItIsHeardAgain() {
    twoConnectedEngines(); // then the manager was killed: the streams' end was never recorded
    driver.running.remove("default@n1"); // went with the manager; n2's process still runs

    lastHeard("default@n1", Duration.ofSeconds(29)); // under three heartbeat intervals
    reconciler.pass();
    assertThat(state("default@n1")).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_CONNECTED);
    assertThat(driver.started).hasSize(2);

    lastHeard("default@n1", Duration.ofSeconds(31));
    lastHeard("default@n2", Duration.ofSeconds(31));
    reconciler.pass();
    assertThat(events("default@n1")).startsWith("REPLACED", "DISCONNECTED");
    assertThat(driver.started).endsWith("default@n1").hasSize(3);
    assertThat(state("default@n2")).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_DISCONNECTED);
    assertThat(events.page("default@n2", 0, 1).get(0).message()).isEqualTo("no heartbeat for 30 s");

    inventory.heartbeat("default@n2", EngineLoad.NONE); // its stream was open all along
    assertThat(state("default@n2")).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_CONNECTED);
    assertThat(events("default@n2")).first().isEqualTo("CONNECTED");
    reconciler.pass();
    assertThat(driver.started).hasSize(3);
  }

  /** Nodes n1 and n2 in the default group, each with its engine started and connected. */
  private void twoConnectedEngines() {
    lead(
        List.of(group("default", Placement.getDefaultInstance(), 0)),
        List.of(node("n1", true, Map.of()), node("n2", true, Map.of())));
    reconciler.pass();
    inventory.connected("default@n1", "agent-n1", "n1", "default", "v1");
    inventory.connected("default@n2", "agent-n2", "n2", "default", "v1");
  }

  /** Records the engine's last heartbeat as {@code ago} before now. */
  private void lastHeard(String id, Duration ago) {
    try (java.sql.Connection c = dataSource.getConnection();
        java.sql.PreparedStatement st =
            c.prepareStatement(
                "UPDATE service_engine SET last_heartbeat_at = now() - ? * interval '1 second'"
                    + " WHERE id = ?")) {
      st.setLong(1, ago.toSeconds());
      st.setString(2, id);
      assertThat(st.executeUpdate()).isEqualTo(1);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anEngineThatNeverConnectsIsStartedAgainAfterTheStartTimeout() {
    lead(
        List.of(group("default", Placement.getDefaultInstance(), 0)),
        List.of(node("n1", true, Map.of())));
    reconciler.pass();
    clock.advance(Duration.ofSeconds(30));
    reconciler.pass();
    assertThat(driver.started).hasSize(1);

    clock.advance(Duration.ofSeconds(31));
    reconciler.pass();
    assertThat(driver.stopped).containsExactly("default@n1");
    assertThat(driver.started).hasSize(2);
    assertThat(events("default@n1")).first().isEqualTo("START_TIMEOUT");
  }

  @Test
  void aDriverFailureIsRecordedAndRetriedOnTheNextPass() {
    lead(
        List.of(group("default", Placement.getDefaultInstance(), 0)),
        List.of(node("n1", true, Map.of())));
    driver.failing = true;
    reconciler.pass();
    assertThat(state("default@n1")).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_FAILED);
    assertThat(events.page("default@n1", 0, 1).get(0).message())
        .isEqualTo("local could not start it: host unreachable");

    driver.failing = false;
    reconciler.pass();
    assertThat(state("default@n1")).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_STARTING);
    assertThat(driver.started).containsExactly("default@n1");
  }

  @Test
  void enginesOfNodesThatLeaveAreStoppedAndDecommissioned() {
    ServiceEngineGroup edge =
        group(
            "edge",
            Placement.newBuilder()
                .addIncludeAttributes(AttributeMatch.newBuilder().setName("rack").addValues("edge"))
                .build(),
            0);
    lead(
        List.of(group("default", Placement.getDefaultInstance(), 0), edge),
        List.of(
            node("n1", true, Map.of()),
            node("n2", true, Map.of()),
            node("n3", true, Map.of("rack", "edge"))));
    reconciler.pass();
    assertThat(driver.started).hasSize(3);

    // n1 leaves the cluster, n2 turns inactive, the edge group is deleted (n3 falls to default)
    reconciler.groups(Map.of("default", group("default", Placement.getDefaultInstance(), 0)));
    reconciler.nodes(
        Map.of(
            "agent-n2", node("n2", false, Map.of()),
            "agent-n3", node("n3", true, Map.of("rack", "edge"))));
    reconciler.pass();

    assertThat(driver.stopped).containsExactlyInAnyOrder("default@n1", "default@n2", "edge@n3");
    assertThat(state("default@n1"))
        .isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_DECOMMISSIONED);
    assertThat(events.page("default@n1", 0, 1).get(0).message()).isEqualTo("node n1 is gone");
    assertThat(events.page("default@n2", 0, 1).get(0).message())
        .isEqualTo("node n2 is no longer eligible for group default");
    assertThat(events.page("edge@n3", 0, 1).get(0).message()).isEqualTo("group edge was deleted");
    assertThat(driver.started).endsWith("default@n3");
  }

  @Test
  void aConnectedEngineDrainsBeforeItsDriverStopsItAndIsLeftAloneMeanwhile() {
    java.util.concurrent.CompletableFuture<Long> drained =
        new java.util.concurrent.CompletableFuture<>();
    List<String> orders = new java.util.concurrent.CopyOnWriteArrayList<>();
    reconciler.drainWith(
        (engine, reason, deadline) -> {
          orders.add(engine + " within " + deadline + ": " + reason);
          return drained; // the engine is connected: it answers when done
        },
        Duration.ofSeconds(30));
    lead(
        List.of(group("default", Placement.getDefaultInstance(), 0)),
        List.of(node("n1", true, Map.of())));
    reconciler.pass();
    assertThat(driver.started).containsExactly("default@n1");

    reconciler.nodes(Map.of()); // n1 leaves the cluster
    reconciler.pass();
    reconciler.pass(); // passes while it drains change nothing

    assertThat(orders).containsExactly("default@n1 within PT30S: node n1 is gone");
    assertThat(driver.stopped).isEmpty();
    assertThat(state("default@n1")).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_DRAINING);

    drained.complete(0L); // the engine has drained
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> state("default@n1") == ServiceEngineState.SERVICE_ENGINE_STATE_DECOMMISSIONED);
    assertThat(driver.stopped).containsExactly("default@n1");
    assertThat(events("default@n1")).containsSubsequence("DECOMMISSIONED", "DRAINING");
  }

  @Test
  void anEngineAnotherReplicaDecommissionsIsLeftToItUntilItsDrainCouldHaveEnded() throws Exception {
    lead(
        List.of(group("default", Placement.getDefaultInstance(), 0)),
        List.of(node("n1", true, Map.of())));
    reconciler.pass();
    inventory.connected("default@n1", "agent-n1", "n1", "default", "v1");
    // another replica (not leading: no groups, no nodes) serves an operator's decommission
    Reconciler other = new Reconciler(inventory, List.of(driver), SETTINGS, clock);
    java.util.concurrent.CompletableFuture<Long> drained =
        new java.util.concurrent.CompletableFuture<>();
    other.drainWith((engine, reason, deadline) -> drained, Duration.ofSeconds(30));
    reconciler.drainWith((engine, reason, deadline) -> drained, Duration.ofSeconds(30));
    other.decommission(inventory.get("default@n1").orElseThrow());
    inventory.disconnected("default@n1", "the engine closed its stream"); // it drains

    reconciler.pass(); // the leader leaves it alone: no second engine while it drains
    assertThat(driver.started).containsExactly("default@n1");

    // the other replica died mid-drain: once the drain and a lost engine's wait are over, the
    // leader deals with the node again
    clock.advance(Duration.ofSeconds(30).plus(SETTINGS.lostAfter()).plusSeconds(1));
    reconciler.pass();
    assertThat(driver.started).containsExactly("default@n1", "default@n1");
    other.close();
  }

  @Test
  void enginesThatConnectedOnTheirOwnAreNeverTouched() {
    inventory.connected("manual-se", "agent-n9", "n9", "default", "v1");
    inventory.disconnected("manual-se", "gone");
    lead(List.of(group("default", Placement.getDefaultInstance(), 0)), List.of());
    reconciler.pass();

    assertThat(driver.stopped).isEmpty();
    assertThat(state("manual-se")).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_DISCONNECTED);
  }

  /** Records what it is asked; "running" holds what it started and did not stop. */
  private static final class RecordingDriver implements NodeDriver {
    final List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Set<String> running = new HashSet<>();
    boolean failing;

    @Override
    public String method() {
      return "local";
    }

    @Override
    public void start(EngineSpec engine) throws DriverException {
      if (failing) {
        throw new DriverException("host unreachable");
      }
      started.add(engine.seId());
      running.add(engine.seId());
    }

    @Override
    public void stop(EngineSpec engine) {
      stopped.add(engine.seId());
      running.remove(engine.seId());
    }

    @Override
    public boolean running(EngineSpec engine) {
      return running.contains(engine.seId());
    }
  }
}
