package io.gatehouse.semanager.lifecycle;

import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.policy.v1.DeploymentMethod;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.gatehouse.common.Periodic;
import io.gatehouse.semanager.driver.DeploymentDriver;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.GroupDriver;
import io.gatehouse.semanager.driver.NodeDriver;
import io.gatehouse.semanager.inventory.Inventory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converges the fleet: desired = one engine per eligible node and group ({@link Eligibility}),
 * actual = the {@link Inventory} (connected engines, as every replica records them) and the
 * drivers' view. Runs on the leader only, on a thread of its own: a pass every interval and
 * whenever nodes, groups or an engine change.
 *
 * <p>Per engine of a node driver: planned or failed engines are started; one that did not connect
 * within the start timeout is started again; a disconnected one is replaced at once when its driver
 * says it no longer runs, and after {@code lostAfter} when it still runs but stays silent. An
 * engine recorded as connected that sent no heartbeat for {@code silentAfter} counts as
 * disconnected: the replica that held its stream is gone without recording the end (a crash, a
 * kill). Every start spends the group's spawn budget. Engines whose node left the group (gone,
 * inactive, no longer matching, or the group deleted) are stopped and decommissioned. A group
 * driver (Marathon) is given the whole list and replaces engines itself. Nothing is decided before
 * both the nodes and the groups are known, so a manager that just started never decommissions the
 * fleet.
 */
public final class Reconciler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /**
   * @param interval time between passes when nothing changes
   * @param startTimeout how long a started engine may take to connect
   * @param lostAfter how long a disconnected engine whose process still runs may stay silent
   * @param silentAfter how long a connected engine may go without a heartbeat before its stream
   *     counts as gone (a few heartbeat intervals)
   * @param defaultMethod the method of groups that name none
   */
  public record Settings(
      Duration interval,
      Duration startTimeout,
      Duration lostAfter,
      Duration silentAfter,
      DeploymentMethod defaultMethod) {}

  private final Inventory inventory;
  private final EngineStarts starts;
  private final Drivers drivers;
  private final Settings settings;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean passQueued = new AtomicBoolean();
  private final Runnable passSafely =
      Periodic.guarded(log, "reconcile pass failed; the next one tries again", this::pass);
  private volatile Map<String, ServiceEngineGroup> groups;
  private volatile Map<String, Node> nodes;
  private volatile boolean leading;
  private volatile boolean started;
  private final Draining draining;

  /**
   * Engines leave through {@code drain} from now on: no new connections, and up to {@code timeout}
   * for those open, before their driver stops them.
   */
  public Reconciler drainWith(EngineDrain drain, Duration timeout) {
    draining.use(drain, timeout);
    return this;
  }

  public Reconciler(
      Inventory inventory, List<DeploymentDriver> drivers, Settings settings, Clock clock) {
    this.inventory = inventory;
    this.starts = new EngineStarts(inventory, clock);
    this.drivers = new Drivers(drivers, settings.defaultMethod());
    this.settings = settings;
    this.clock = clock;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "reconciler");
              thread.setDaemon(true);
              return thread;
            });
    this.draining = new Draining(inventory, this, executor, this::wake);
  }

  /** Starts the periodic passes. */
  public Reconciler start() {
    started = true;
    executor.scheduleWithFixedDelay(
        passSafely, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** The service engine groups, as policy-svc has them now. */
  public void groups(Map<String, ServiceEngineGroup> groups) {
    this.groups = Map.copyOf(groups);
    wake();
  }

  /** The Mesos agents, as discovery-svc has them now. */
  public void nodes(Map<String, Node> nodes) {
    this.nodes = Map.copyOf(nodes);
    wake();
  }

  /** Whether this replica leads (only the leader reconciles). */
  public void leading(boolean leading) {
    this.leading = leading;
    wake();
  }

  /**
   * Asks for a pass soon (several requests before it runs make one pass); before {@link #start}
   * passes run only when {@link #pass} is called.
   */
  public void wake() {
    if (started && passQueued.compareAndSet(false, true)) {
      executor.execute(
          () -> {
            passQueued.set(false);
            passSafely.run();
          });
    }
  }

  /** One pass; does nothing unless this replica leads and both nodes and groups are known. */
  public synchronized void pass() {
    Map<String, ServiceEngineGroup> currentGroups = groups;
    Map<String, Node> currentNodes = nodes;
    if (!leading || currentGroups == null || currentNodes == null) {
      return;
    }
    for (String id :
        inventory.silenced(
            clock.instant().minus(settings.silentAfter()),
            "no heartbeat for " + settings.silentAfter().toSeconds() + " s")) {
      log.warn(
          "engine {}: recorded as connected but silent for {} s; counted as disconnected",
          id,
          settings.silentAfter().toSeconds());
    }
    Map<String, Inventory.Engine> known = new HashMap<>();
    inventory.all().forEach(e -> known.put(e.id(), e));
    Set<String> desired = new HashSet<>();
    Map<String, List<Node>> assignment =
        Eligibility.assign(currentGroups.values(), currentNodes.values());
    for (Map.Entry<String, List<Node>> entry : assignment.entrySet()) {
      ServiceEngineGroup group = currentGroups.get(entry.getKey());
      DeploymentDriver driver = drivers.of(group);
      if (driver == null) {
        continue;
      }
      List<EngineSpec> specs = new ArrayList<>();
      for (Node node : entry.getValue()) {
        specs.add(
            new EngineSpec(
                EngineSpec.idOf(entry.getKey(), node.getHostname()),
                node.getId(),
                node.getHostname(),
                node.getAddress(),
                group));
      }
      specs.forEach(s -> desired.add(s.seId()));
      if (driver instanceof NodeDriver nodeDriver) {
        specs.forEach(s -> converge(nodeDriver, s, known));
      } else if (driver instanceof GroupDriver groupDriver) {
        converge(groupDriver, group, specs, known);
      }
    }
    for (Inventory.Engine engine : known.values()) {
      if (!desired.contains(engine.id())
          && !engine.deploymentMethod().isEmpty()
          && engine.state() != ServiceEngineState.SERVICE_ENGINE_STATE_DECOMMISSIONED
          && !onItsWayOut(engine.id(), engine)) {
        decommission(engine, currentGroups, currentNodes);
      }
    }
  }

  /**
   * Stops and starts one engine through its driver (an operator's redeploy).
   *
   * @throws DriverException when the driver failed or the engine's method is not configured here
   */
  public synchronized void redeploy(Inventory.Engine engine) throws DriverException {
    EngineSpec spec = specOf(engine);
    DeploymentDriver driver = drivers.configured(engine);
    if (driver instanceof NodeDriver nodeDriver) {
      nodeDriver.stop(spec);
      nodeDriver.start(spec);
    } else if (driver instanceof GroupDriver groupDriver) {
      groupDriver.restart(spec);
    }
    inventory.transition(
        engine.id(),
        ServiceEngineState.SERVICE_ENGINE_STATE_STARTING,
        "REDEPLOYED",
        "by an operator");
  }

  /**
   * Stops one engine through its driver and marks it decommissioned (an operator's request); the
   * next pass starts it again if its node is still eligible.
   */
  public synchronized void decommission(Inventory.Engine engine) throws DriverException {
    DeploymentDriver driver = drivers.configured(engine);
    draining.then(
        engine,
        "by an operator",
        () -> {
          if (driver instanceof NodeDriver nodeDriver) {
            nodeDriver.stop(specOf(engine));
          }
          inventory.transition(
              engine.id(),
              ServiceEngineState.SERVICE_ENGINE_STATE_DECOMMISSIONED,
              "DECOMMISSIONED",
              "by an operator");
        });
  }

  private EngineSpec specOf(Inventory.Engine engine) {
    Map<String, ServiceEngineGroup> current = groups;
    ServiceEngineGroup group = current == null ? null : current.get(engine.seGroup());
    if (group == null) {
      group =
          ServiceEngineGroup.newBuilder()
              .setMeta(ObjectMeta.newBuilder().setName(engine.seGroup()))
              .build();
    }
    return new EngineSpec(engine.id(), engine.nodeId(), engine.hostname(), engine.address(), group);
  }

  private void converge(NodeDriver driver, EngineSpec spec, Map<String, Inventory.Engine> known) {
    Inventory.Engine engine = known.get(spec.seId());
    if (onItsWayOut(spec.seId(), engine)) {
      return; // left alone until it has drained and stopped
    }
    if (engine != null
        && !engine.deploymentMethod().isEmpty()
        && !engine.deploymentMethod().equals(driver.method())) {
      drivers.stop(engine.deploymentMethod(), spec); // the group moved to another method
    }
    if (engine == null || !engine.deploymentMethod().equals(driver.method())) {
      engine = inventory.plan(placement(spec, driver));
    }
    Duration inState = Duration.between(engine.stateChangedAt(), clock.instant());
    switch (engine.state()) {
      case SERVICE_ENGINE_STATE_CONNECTED -> {}
      case SERVICE_ENGINE_STATE_STARTING -> {
        if (inState.compareTo(settings.startTimeout()) > 0) {
          starts.restart(
              driver,
              spec,
              "START_TIMEOUT",
              "not connected " + settings.startTimeout().toSeconds() + " s after its start");
        } else if (!starts.running(driver, spec)) {
          starts.start(
              driver, spec, "DEPLOYED", "started again: its process ended before it connected");
        }
      }
      case SERVICE_ENGINE_STATE_DISCONNECTED -> {
        if (!starts.running(driver, spec)) {
          starts.start(driver, spec, "REPLACED", "lost: its process no longer runs");
        } else if (inState.compareTo(settings.lostAfter()) > 0) {
          starts.restart(
              driver,
              spec,
              "REPLACED",
              "lost: silent for " + inState.toSeconds() + " s though its process runs");
        }
      }
      default -> starts.start(driver, spec, "DEPLOYED", "on node " + spec.hostname());
    }
  }

  private void converge(
      GroupDriver driver,
      ServiceEngineGroup group,
      List<EngineSpec> specs,
      Map<String, Inventory.Engine> known) {
    try {
      driver.apply(group, specs);
    } catch (DriverException e) {
      drivers.reportOnce(
          group.getMeta().getName(), "group " + group.getMeta().getName(), e.getMessage());
      return;
    }
    drivers.resolved(group.getMeta().getName());
    for (EngineSpec spec : specs) {
      Inventory.Engine engine = known.get(spec.seId());
      if (onItsWayOut(spec.seId(), engine)) {
        continue;
      }
      if (engine == null || !engine.deploymentMethod().equals(driver.method())) {
        engine = inventory.plan(placement(spec, driver));
      }
      ServiceEngineState state = engine.state();
      if (state != ServiceEngineState.SERVICE_ENGINE_STATE_CONNECTED
          && state != ServiceEngineState.SERVICE_ENGINE_STATE_STARTING
          && state != ServiceEngineState.SERVICE_ENGINE_STATE_DISCONNECTED) {
        inventory.transition(
            spec.seId(),
            ServiceEngineState.SERVICE_ENGINE_STATE_STARTING,
            "DEPLOYED",
            "through " + driver.method() + " on node " + spec.hostname());
      }
    }
  }

  /** Whether an engine is on its way out ({@link Draining#holds}): left alone meanwhile. */
  private boolean onItsWayOut(String id, Inventory.Engine engine) {
    return draining.holds(id, engine, clock.instant(), settings.lostAfter());
  }

  private void decommission(
      Inventory.Engine engine, Map<String, ServiceEngineGroup> groups, Map<String, Node> nodes) {
    String why =
        !groups.containsKey(engine.seGroup())
            ? "group " + engine.seGroup() + " was deleted"
            : nodes.containsKey(engine.nodeId())
                ? "node "
                    + engine.hostname()
                    + " is no longer eligible for group "
                    + engine.seGroup()
                : "node " + engine.hostname() + " is gone";
    try {
      draining.then(
          engine,
          why,
          () -> {
            if (!drivers.stop(engine.deploymentMethod(), specOf(engine))) {
              return;
            }
            inventory.transition(
                engine.id(),
                ServiceEngineState.SERVICE_ENGINE_STATE_DECOMMISSIONED,
                "DECOMMISSIONED",
                why);
            log.info("engine {} decommissioned: {}", engine.id(), why);
          });
    } catch (DriverException cannotHappen) { // stop reports its own failures
      throw new IllegalStateException(cannotHappen);
    }
  }

  private static Inventory.Placement placement(EngineSpec spec, DeploymentDriver driver) {
    return new Inventory.Placement(
        spec.seId(),
        spec.nodeId(),
        spec.hostname(),
        spec.address(),
        spec.groupName(),
        driver.method());
  }

  /** Stops the passes and closes the drivers (the local driver stops its engines). */
  @Override
  public void close() {
    executor.shutdownNow();
    drivers.close();
  }
}
