package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.events.EventBus;
import io.gatehouse.sim.events.Timestamps;
import io.gatehouse.sim.http.HttpError;
import io.gatehouse.sim.mesos.Agent;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated Marathon: apps, their tasks ({@link TaskLifecycle}) and deployments ({@link
 * Deployments}). Every change runs on one state thread (callers wait for it), which keeps the order
 * of events and state exactly as one would see it; a reconcile pass on that thread launches and
 * kills tasks until each app matches its definition, and finishes deployments when it does. What
 * Mesos says of the tasks is {@link AgentView}.
 */
public final class Marathon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Marathon.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ScheduledExecutorService state =
      Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("sim-state", true));
  private final Map<String, App> apps = new TreeMap<>();
  private final MarathonEvents events;
  private final Deployments deployments;
  private final TaskLifecycle tasks;
  private final AgentView agentView;
  private final ServicePorts servicePorts;
  private final Clock clock;
  private Instant lastVersion = Instant.EPOCH;

  /** The answer to a change: Marathon's {deploymentId, version}. */
  public record Change(String deploymentId, String version, boolean created) {
    ObjectNode json() {
      return NODES.objectNode().put("deploymentId", deploymentId).put("version", version);
    }
  }

  /** How health results reach tasks: probes (real tasks) or the test API (fixed endpoints). */
  public interface Health {
    /** Starts probing a task that became RUNNING. */
    void watch(String appId, ObjectNode app, String taskId, String address, List<Integer> ports);

    /** Stops probing a task. */
    void forget(String taskId);
  }

  public Marathon(
      List<Agent> agents,
      EventBus events,
      TaskLauncher launcher,
      Health health,
      int[] hostPortRange,
      int[] servicePortRange,
      Clock clock) {
    this.events = new MarathonEvents(events);
    this.deployments = new Deployments(this.events);
    this.tasks =
        new TaskLifecycle(
            apps,
            this.events,
            new Placement(agents, hostPortRange),
            launcher,
            health,
            clock,
            this::later,
            this::reconcile);
    this.agentView = new AgentView(this, apps, clock);
    this.clock = clock;
    this.servicePorts = new ServicePorts(servicePortRange);
    state.scheduleWithFixedDelay(this::reconcileSafely, 200, 200, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code work} on the state thread and waits for it; HttpErrors pass through. */
  public <T> T call(Callable<T> work) {
    Future<T> future = state.submit(work);
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("state thread did not answer in 30 s", e);
    }
  }

  /** What the Mesos master and its agents say of the tasks. */
  public AgentView agents() {
    return agentView;
  }

  /** Runs {@code work} on the state thread without waiting. */
  void later(Runnable work) {
    state.execute(work);
  }

  // ---- API operations (state thread) ----

  /** POST /v2/apps. */
  ObjectNode create(JsonNode body, String clientIp, String uri) {
    ObjectNode definition = AppDefinitions.normalize(body, null);
    String id = definition.get("id").asText();
    if (apps.containsKey(id)) {
      throw HttpError.of(409, "An app with id [" + id + "] already exists.");
    }
    servicePorts.assign(definition, null);
    App app = new App(definition, nextVersion());
    apps.put(id, app);
    events.apiPost(app, clientIp, uri);
    deployments.start(app, Deployment.create());
    ObjectNode created = AppJson.app(app, new AppJson.Embed(true, true, true, false, false));
    reconcile();
    return created;
  }

  /** PUT or PATCH /v2/apps/{id}; PUT of an unknown app creates it. */
  Change update(
      String rawId, JsonNode body, boolean partial, boolean force, String clientIp, String uri) {
    String id = AppDefinitions.canonicalId(rawId);
    App app = apps.get(id);
    if (app == null) {
      if (!partial && body.isObject()) {
        ObjectNode created = create(((ObjectNode) body).deepCopy().put("id", id), clientIp, uri);
        return new Change(
            created.get("deployments").get(0).get("id").asText(),
            created.get("version").asText(),
            true);
      }
      throw notFound(id);
    }
    Deployments.checkUnlocked(app, force);
    ObjectNode definition =
        partial ? AppDefinitions.patch(app.definition, body) : AppDefinitions.normalize(body, id);
    servicePorts.assign(definition, app.definition);
    boolean scaleOnly = sameExceptInstances(app.definition, definition);
    app.definition = definition;
    app.version = nextVersion();
    if (scaleOnly) {
      app.lastScalingAt = app.version;
    } else {
      app.lastConfigChangeAt = app.version;
      app.lastScalingAt = app.version;
      app.failures = 0;
      app.launchNotBefore = Instant.EPOCH;
    }
    events.apiPost(app, clientIp, uri);
    Deployment deployment =
        deployments.start(app, List.of(scaleOnly ? "ScaleApplication" : "RestartApplication"));
    reconcile();
    return new Change(deployment.id(), app.version, false);
  }

  /** DELETE /v2/apps/{id}. */
  Change delete(String rawId, boolean force) {
    App app = existing(rawId);
    Deployments.checkUnlocked(app, force);
    app.deleting = true;
    String version = nextVersion();
    Deployment deployment = deployments.start(app, List.of("StopApplication"));
    reconcile();
    return new Change(deployment.id(), version, false);
  }

  /** POST /v2/apps/{id}/restart. */
  Change restart(String rawId, boolean force) {
    App app = existing(rawId);
    Deployments.checkUnlocked(app, force);
    app.version = nextVersion();
    app.lastConfigChangeAt = app.version;
    Deployment deployment = deployments.start(app, List.of("RestartApplication"));
    reconcile();
    return new Change(deployment.id(), app.version, false);
  }

  /** DELETE /v2/apps/{id}/tasks/{taskId}: kills one task; with scale, lowers instances too. */
  JsonNode killTask(String rawId, String taskId, boolean scale, boolean force) {
    App app = existing(rawId);
    Task task =
        app.tasks.stream()
            .filter(t -> t.id.equals(taskId))
            .findFirst()
            .orElseThrow(() -> HttpError.of(404, "Task '" + taskId + "' does not exist"));
    if (scale) {
      Deployments.checkUnlocked(app, force);
      app.definition.put("instances", Math.max(0, app.instances() - 1));
      app.version = nextVersion();
      app.lastScalingAt = app.version;
      Deployment deployment = deployments.start(app, List.of("ScaleApplication"));
      tasks.kill(app, task);
      return new Change(deployment.id(), app.version, false).json();
    }
    ObjectNode json = AppJson.task(app, task);
    tasks.kill(app, task);
    return NODES.objectNode().set("task", json);
  }

  /** Every app. */
  List<ObjectNode> apps(AppJson.Embed embed, String idFilter) {
    List<ObjectNode> out = new ArrayList<>();
    for (App app : apps.values()) {
      if (idFilter == null || app.id().contains(idFilter)) {
        out.add(AppJson.app(app, embed));
      }
    }
    return out;
  }

  ObjectNode app(String rawId, AppJson.Embed embed) {
    return AppJson.app(existing(rawId), embed);
  }

  List<ObjectNode> tasks(String rawId) {
    App app = existing(rawId);
    return app.tasks.stream().map(t -> AppJson.task(app, t)).toList();
  }

  List<ObjectNode> allTasks() {
    List<ObjectNode> out = new ArrayList<>();
    for (App app : apps.values()) {
      for (Task task : app.tasks) {
        ObjectNode json = AppJson.task(app, task);
        ArrayNode servicePorts = json.putArray("servicePorts");
        ServicePorts.of(app.definition).forEach(servicePorts::add);
        out.add(json);
      }
    }
    return out;
  }

  List<ObjectNode> deployments() {
    return deployments.json();
  }

  /** DELETE /v2/deployments/{id}: cancels (force) or rolls back by restoring nothing: drops it. */
  Change cancelDeployment(String id) {
    Deployment d = deployments.cancel(id);
    App app = apps.get(d.appId());
    if (app != null && app.deployment == d) {
      app.deployment = null;
    }
    return new Change(d.id(), nextVersion(), false);
  }

  // ---- test hooks (state thread), for the fixed-endpoint mode ----

  /** Sets a task's health as if its checks had answered. */
  void setHealth(String taskId, boolean alive, String cause) {
    Map.Entry<App, Task> found = findTask(taskId);
    for (int i = 0; i < found.getValue().health.size(); i++) {
      tasks.onHealth(taskId, i, alive, cause);
    }
  }

  /** Ends a task as if its process had exited with {@code status}. */
  void exitTask(String taskId, int status) {
    Map.Entry<App, Task> found = findTask(taskId);
    tasks.onExit(found.getKey(), found.getValue(), status);
  }

  /** Reports a health probe's result (from any thread). */
  public void reportHealth(String taskId, int check, boolean ok, String cause) {
    later(() -> tasks.onHealth(taskId, check, ok, cause));
  }

  // ---- reconciliation (state thread) ----

  private void reconcileSafely() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      log.error("reconcile failed", e);
    }
  }

  private void reconcile() {
    for (App app : List.copyOf(apps.values())) {
      if (app.deleting) {
        app.tasks.stream().filter(t -> !t.isKilling()).toList().forEach(t -> tasks.kill(app, t));
        if (app.tasks.isEmpty()) {
          apps.remove(app.id());
          servicePorts.release(app.definition);
          events.appTerminated(app.id());
          deployments.finish(app);
        }
        continue;
      }
      // scaling changes the app's version but not its configuration: only a configuration
      // change (or a restart) replaces tasks
      List<Task> current =
          app.tasks.stream()
              .filter(t -> t.configVersion.equals(app.lastConfigChangeAt) && !t.isKilling())
              .toList();
      List<Task> old =
          app.tasks.stream()
              .filter(t -> !t.configVersion.equals(app.lastConfigChangeAt) && !t.isKilling())
              .toList();
      int desired = app.instances();
      if (current.size() < desired && !clock.instant().isBefore(app.launchNotBefore)) {
        for (int i = current.size(); i < desired; i++) {
          tasks.launch(app);
        }
        current =
            app.tasks.stream()
                .filter(t -> t.configVersion.equals(app.lastConfigChangeAt) && !t.isKilling())
                .toList();
      }
      if (current.size() > desired) {
        current.stream()
            .sorted(Comparator.comparing((Task t) -> t.stagedAt).reversed())
            .limit(current.size() - desired)
            .toList()
            .forEach(t -> tasks.kill(app, t));
      }
      long ready =
          current.stream().filter(t -> t.isRunning() && TaskLifecycle.ready(app, t)).count();
      if (!old.isEmpty() && ready >= Math.min(desired, current.size())) {
        old.forEach(t -> tasks.kill(app, t)); // new version up: replace the old one
      }
      if (app.deployment != null
          && old.isEmpty()
          && app.tasks.stream().noneMatch(Task::isKilling)
          && current.size() == desired
          && ready == desired) {
        deployments.finish(app);
      }
    }
  }

  // ---- helpers ----

  private static boolean sameExceptInstances(ObjectNode a, ObjectNode b) {
    ObjectNode x = a.deepCopy();
    ObjectNode y = b.deepCopy();
    x.remove("instances");
    y.remove("instances");
    return x.equals(y);
  }

  private App existing(String rawId) {
    String id = AppDefinitions.canonicalId(rawId);
    App app = apps.get(id);
    if (app == null) {
      throw notFound(id);
    }
    return app;
  }

  private Map.Entry<App, Task> findTask(String taskId) {
    for (App app : apps.values()) {
      for (Task task : app.tasks) {
        if (task.id.equals(taskId)) {
          return Map.entry(app, task);
        }
      }
    }
    throw HttpError.of(404, "Task '" + taskId + "' does not exist");
  }

  private static HttpError notFound(String id) {
    return HttpError.of(404, "App '" + id + "' does not exist");
  }

  private String nextVersion() {
    // versions are unique and increasing, at Marathon's millisecond precision
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    lastVersion = now.isAfter(lastVersion) ? now : lastVersion.plusMillis(1);
    return Timestamps.format(lastVersion);
  }

  /** Kills every task (their processes included) and stops. */
  @Override
  public void close() {
    try {
      call(
          () -> {
            tasks.stopAll();
            return null;
          });
    } finally {
      state.shutdownNow();
      tasks.close();
    }
  }
}
