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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated Marathon: apps, their tasks and deployments. Every change runs on one state thread
 * (callers wait for it), which keeps the order of events and state exactly as one would see it; a
 * reconcile pass on that thread launches and kills tasks until each app matches its definition, and
 * finishes deployments when it does.
 */
public final class Marathon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Marathon.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(3);

  private final ScheduledExecutorService state =
      Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("sim-state", true));
  private final ExecutorService killer =
      Executors.newCachedThreadPool(new DefaultThreadFactory("sim-kill", true));
  private final Map<String, App> apps = new TreeMap<>();
  private final Map<String, Deployment> deployments = new LinkedHashMap<>();
  private final MarathonEvents events;
  private final Placement placement;
  private final TaskLauncher launcher;
  private final Health health;
  private final ServicePorts servicePorts;
  private final Clock clock;
  private Instant lastVersion = Instant.EPOCH;

  /** What se-manager and analytics read of an agent's use. */
  public record Usage(double cpus, double memMib, String portRanges) {}

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
    this.placement = new Placement(agents, hostPortRange);
    this.launcher = launcher;
    this.health = health;
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
    startDeployment(app, Deployment.create());
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
    checkUnlocked(app, force);
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
        startDeployment(app, List.of(scaleOnly ? "ScaleApplication" : "RestartApplication"));
    reconcile();
    return new Change(deployment.id(), app.version, false);
  }

  /** DELETE /v2/apps/{id}. */
  Change delete(String rawId, boolean force) {
    App app = existing(rawId);
    checkUnlocked(app, force);
    app.deleting = true;
    String version = nextVersion();
    Deployment deployment = startDeployment(app, List.of("StopApplication"));
    reconcile();
    return new Change(deployment.id(), version, false);
  }

  /** POST /v2/apps/{id}/restart. */
  Change restart(String rawId, boolean force) {
    App app = existing(rawId);
    checkUnlocked(app, force);
    app.version = nextVersion();
    app.lastConfigChangeAt = app.version;
    Deployment deployment = startDeployment(app, List.of("RestartApplication"));
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
      checkUnlocked(app, force);
      app.definition.put("instances", Math.max(0, app.instances() - 1));
      app.version = nextVersion();
      app.lastScalingAt = app.version;
      Deployment deployment = startDeployment(app, List.of("ScaleApplication"));
      kill(app, task);
      return new Change(deployment.id(), app.version, false).json();
    }
    ObjectNode json = AppJson.task(app, task);
    kill(app, task);
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
    List<ObjectNode> out = new ArrayList<>();
    deployments.values().forEach(d -> out.add(AppJson.deployment(d, 1)));
    return out;
  }

  /** DELETE /v2/deployments/{id}: cancels (force) or rolls back by restoring nothing: drops it. */
  Change cancelDeployment(String id) {
    Deployment d = deployments.remove(id);
    if (d == null) {
      throw HttpError.of(404, "DeploymentPlan " + id + " does not exist");
    }
    App app = apps.get(d.appId());
    if (app != null && app.deployment == d) {
      app.deployment = null;
    }
    events.deploymentFailed(d, "cancelled");
    return new Change(d.id(), nextVersion(), false);
  }

  /** Marathon tasks as the Mesos master lists them in its framework. */
  public ArrayNode mesosTasks(String frameworkId) {
    return call(
        () -> {
          ArrayNode out = NODES.arrayNode();
          for (App app : apps.values()) {
            for (Task t : app.tasks) {
              out.add(AppJson.mesosTask(app, t, frameworkId));
            }
          }
          return out;
        });
  }

  /** What one running task uses, as its agent reports it. */
  public record TaskStatistics(
      String taskId, double cpus, double memMib, Duration cpuTime, Instant sampledAt) {}

  /** What the running tasks on an agent use now. */
  public List<TaskStatistics> statisticsOn(String agentId) {
    return call(
        () -> {
          List<TaskStatistics> out = new ArrayList<>();
          Instant now = clock.instant();
          for (App app : apps.values()) {
            for (Task t : app.tasks) {
              if (t.agent.id().equals(agentId) && "TASK_RUNNING".equals(t.state)) {
                out.add(
                    new TaskStatistics(
                        t.id,
                        app.definition.get("cpus").asDouble(),
                        app.definition.get("mem").asDouble(),
                        t.running == null ? Duration.ZERO : t.running.cpuTime(),
                        now));
              }
            }
          }
          return out;
        });
  }

  /** Resources allocated to tasks on an agent. */
  public Usage usageOn(String agentId) {
    return call(
        () -> {
          double cpus = 0;
          double mem = 0;
          List<Integer> ports = new ArrayList<>();
          for (App app : apps.values()) {
            for (Task t : app.tasks) {
              if (t.agent.id().equals(agentId)) {
                cpus += app.definition.get("cpus").asDouble();
                mem += app.definition.get("mem").asDouble();
                ports.addAll(t.hostPorts);
              }
            }
          }
          return new Usage(cpus, mem, ports.isEmpty() ? "" : AppJson.portRanges(ports));
        });
  }

  // ---- test hooks (state thread), for the fixed-endpoint mode ----

  /** Sets a task's health as if its checks had answered. */
  void setHealth(String taskId, boolean alive, String cause) {
    Map.Entry<App, Task> found = findTask(taskId);
    for (int i = 0; i < found.getValue().health.size(); i++) {
      onHealth(taskId, i, alive, cause);
    }
  }

  /** Ends a task as if its process had exited with {@code status}. */
  void exitTask(String taskId, int status) {
    Map.Entry<App, Task> found = findTask(taskId);
    onExit(found.getKey(), found.getValue(), status);
  }

  // ---- task lifecycle ----

  /** Reports a health probe's result (from any thread). */
  public void reportHealth(String taskId, int check, boolean ok, String cause) {
    later(() -> onHealth(taskId, check, ok, cause));
  }

  /** A health probe's result; called on the state thread. */
  void onHealth(String taskId, int check, boolean ok, String cause) {
    for (App app : apps.values()) {
      for (Task task : app.tasks) {
        if (!task.id.equals(taskId) || check >= task.health.size() || !task.isRunning()) {
          continue;
        }
        Task.HealthResult h = task.health.get(check);
        Instant now = clock.instant();
        boolean wasAlive = task.healthy() && task.health.stream().allMatch(r -> r.known);
        JsonNode definition = app.definition.get("healthChecks").get(check);
        boolean inGrace =
            task.startedAt != null
                && now.isBefore(
                    task.startedAt.plusSeconds(definition.get("gracePeriodSeconds").asInt()));
        if (ok) {
          h.alive = true;
          h.known = true;
          h.consecutiveFailures = 0;
          h.lastSuccess = now;
          if (h.firstSuccess == null) {
            h.firstSuccess = now;
          }
        } else if (!(inGrace && h.firstSuccess == null)) {
          h.alive = false;
          h.known = true;
          h.consecutiveFailures++;
          h.lastFailure = now;
          h.lastFailureCause = cause;
        }
        boolean isAlive = task.healthy() && task.health.stream().allMatch(r -> r.known);
        boolean known = task.health.stream().allMatch(r -> r.known);
        if (known && isAlive != wasAlive) {
          events.healthChanged(app, task, isAlive);
        }
        int max = definition.get("maxConsecutiveFailures").asInt();
        if (!ok && max > 0 && h.consecutiveFailures >= max) {
          events.unhealthyKill(app, task, cause);
          kill(app, task);
        }
        return;
      }
    }
  }

  private void onExit(App app, Task task, int status) {
    onExit(app, task, status, "Command exited with status " + status);
  }

  private void onExit(App app, Task task, int status, String message) {
    if (!app.tasks.contains(task) || task.isKilling()) {
      return;
    }
    String state = status == 0 ? "TASK_FINISHED" : "TASK_FAILED";
    task.state = state;
    events.statusUpdate(app, task, message);
    events.instanceChanged(app, task, status == 0 ? "Finished" : "Failed");
    app.lastTaskFailure =
        NODES
            .objectNode()
            .put("appId", app.id())
            .put("host", task.agent.hostname())
            .put("message", message)
            .put("state", state)
            .put("taskId", task.id)
            .put("timestamp", Timestamps.format(clock.instant()))
            .put("version", task.version)
            .put("slaveId", task.agent.id());
    remove(app, task);
    app.failures++;
    double delay =
        app.definition.get("backoffSeconds").asDouble()
            * Math.pow(app.definition.get("backoffFactor").asDouble(), app.failures - 1);
    delay = Math.min(delay, app.definition.get("maxLaunchDelaySeconds").asDouble());
    app.launchNotBefore = clock.instant().plusMillis((long) (delay * 1000));
    log.info(
        "task {} of {} ended ({}); next launch in {} s",
        task.id,
        app.id(),
        state,
        String.format("%.2f", delay));
  }

  private void kill(App app, Task task) {
    if (task.isKilling()) {
      return;
    }
    health.forget(task.id);
    task.state = "TASK_KILLING";
    events.statusUpdate(app, task, "");
    events.instanceChanged(app, task, "Killing");
    JsonNode grace = app.definition.get("taskKillGracePeriodSeconds");
    Duration wait = grace == null ? DEFAULT_KILL_GRACE : Duration.ofSeconds(grace.asLong());
    killer.execute(
        () -> {
          try {
            if (task.running != null) {
              task.running.stop(wait);
            }
          } finally {
            later(
                () -> {
                  task.state = "TASK_KILLED";
                  events.statusUpdate(app, task, "");
                  events.instanceChanged(app, task, "Killed");
                  remove(app, task);
                  reconcile();
                });
          }
        });
  }

  private void launch(App app) {
    Placement.Placed placed = placement.place(app);
    if (placed == null) {
      return; // nothing fits (hostname:UNIQUE everywhere, ports taken): wait, as Marathon does
    }
    ObjectNode d = app.definition;
    String uuid = UUID.randomUUID().toString();
    String taskId = app.id().substring(1).replace('/', '_') + "." + uuid;
    String instanceId = app.id().substring(1).replace('/', '_') + ".marathon-" + uuid;
    Task task =
        new Task(
            taskId,
            instanceId,
            app.id(),
            app.version,
            app.lastConfigChangeAt,
            placed.agent(),
            placed.ipAddress(),
            placed.bindAddress(),
            placed.hostPorts(),
            placed.listenPorts(),
            clock.instant());
    for (int i = 0; i < d.get("healthChecks").size(); i++) {
      task.health.add(new Task.HealthResult());
    }
    app.tasks.add(task);
    events.statusUpdate(app, task, "");
    events.instanceChanged(app, task, "Staging");
    try {
      TaskLauncher.ImageMapping how = launcher.choose(d);
      task.running =
          how.runner()
              .start(
                  launcher.spec(app, task, how.command()),
                  status -> later(() -> onExit(app, task, status)));
      task.state = "TASK_RUNNING";
      task.startedAt = clock.instant();
      events.statusUpdate(app, task, "");
      events.instanceChanged(app, task, "Running");
      if (!task.health.isEmpty()) {
        health.watch(app.id(), d, task.id, task.bindAddress, task.listenPorts);
      }
    } catch (Exception e) {
      log.warn("task {} of {} failed to start: {}", taskId, app.id(), e.getMessage());
      onExit(app, task, 1, String.valueOf(e.getMessage())); // Mesos reports why it could not
    }
  }

  private void remove(App app, Task task) {
    app.tasks.remove(task);
    health.forget(task.id);
    placement.release(task);
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
        app.tasks.stream().filter(t -> !t.isKilling()).toList().forEach(t -> kill(app, t));
        if (app.tasks.isEmpty()) {
          apps.remove(app.id());
          servicePorts.release(app.definition);
          events.appTerminated(app.id());
          finishDeployment(app);
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
          launch(app);
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
            .forEach(t -> kill(app, t));
      }
      long ready = current.stream().filter(t -> t.isRunning() && ready(app, t)).count();
      if (!old.isEmpty() && ready >= Math.min(desired, current.size())) {
        old.forEach(t -> kill(app, t)); // new version up: replace the old one
      }
      if (app.deployment != null
          && old.isEmpty()
          && app.tasks.stream().noneMatch(Task::isKilling)
          && current.size() == desired
          && ready == desired) {
        finishDeployment(app);
      }
    }
  }

  private static boolean ready(App app, Task task) {
    return !app.hasHealthChecks()
        || (task.healthy() && task.health.stream().allMatch(h -> h.known));
  }

  private Deployment startDeployment(App app, List<String> actions) {
    if (app.deployment != null) {
      Deployment superseded = deployments.remove(app.deployment.id());
      if (superseded != null) {
        events.deploymentFailed(superseded, "cancelled by a forced change");
      }
    }
    Deployment d = new Deployment(UUID.randomUUID().toString(), app.version, app.id(), actions);
    app.deployment = d;
    deployments.put(d.id(), d);
    events.deploymentInfo(d);
    return d;
  }

  private void finishDeployment(App app) {
    Deployment d = app.deployment;
    if (d == null) {
      return;
    }
    app.deployment = null;
    deployments.remove(d.id());
    events.deploymentSucceeded(d);
  }

  // ---- helpers ----

  private static boolean sameExceptInstances(ObjectNode a, ObjectNode b) {
    ObjectNode x = a.deepCopy();
    ObjectNode y = b.deepCopy();
    x.remove("instances");
    y.remove("instances");
    return x.equals(y);
  }

  private void checkUnlocked(App app, boolean force) {
    if (app.deployment != null && !force) {
      ObjectNode body =
          NODES
              .objectNode()
              .put(
                  "message",
                  "App is locked by one or more deployments. Override with the option '?force=true'."
                      + " View details at '/v2/deployments/"
                      + app.deployment.id()
                      + "'.");
      body.putArray("deployments").addObject().put("id", app.deployment.id());
      throw new HttpError(409, body);
    }
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
            for (App app : apps.values()) {
              for (Task task : app.tasks) {
                health.forget(task.id);
                if (task.running != null) {
                  task.running.stop(Duration.ofSeconds(2));
                }
              }
              app.tasks.clear();
            }
            return null;
          });
    } finally {
      state.shutdownNow();
      killer.shutdownNow();
    }
  }
}
