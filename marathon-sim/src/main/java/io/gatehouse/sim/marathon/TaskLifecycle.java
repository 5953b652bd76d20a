package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.events.Timestamps;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of Marathon's tasks: launched where they fit, killed within their grace period, ended by
 * their process's exit (with Marathon's launch backoff after a failure), and judged by their health
 * checks (killed after too many failures in a row). Runs on the simulator's state thread; a kill
 * waits for its process on a thread of its own and comes back to the state thread.
 */
final class TaskLifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskLifecycle.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(3);

  private final ExecutorService killer =
      Executors.newCachedThreadPool(new DefaultThreadFactory("sim-kill", true));
  private final Map<String, App> apps;
  private final MarathonEvents events;
  private final Placement placement;
  private final TaskLauncher launcher;
  private final Marathon.Health health;
  private final Clock clock;
  private final Consumer<Runnable> later;
  private final Runnable reconcile;

  /**
   * @param later runs work on the state thread
   * @param reconcile the reconcile pass, run when a kill is through
   */
  TaskLifecycle(
      Map<String, App> apps,
      MarathonEvents events,
      Placement placement,
      TaskLauncher launcher,
      Marathon.Health health,
      Clock clock,
      Consumer<Runnable> later,
      Runnable reconcile) {
    this.apps = apps;
    this.events = events;
    this.placement = placement;
    this.launcher = launcher;
    this.health = health;
    this.clock = clock;
    this.later = later;
    this.reconcile = reconcile;
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

  /** A task's process exited with {@code status}. */
  void onExit(App app, Task task, int status) {
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

  /** Kills a task: its process gets the app's grace period, then the task is gone. */
  void kill(App app, Task task) {
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
            later.accept(
                () -> {
                  task.state = "TASK_KILLED";
                  events.statusUpdate(app, task, "");
                  events.instanceChanged(app, task, "Killed");
                  remove(app, task);
                  reconcile.run();
                });
          }
        });
  }

  /** Launches a task of {@code app} where one fits (nothing happens when none does). */
  void launch(App app) {
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
                  status -> later.accept(() -> onExit(app, task, status)));
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

  /** Whether a task counts as up: running, and healthy when its app has health checks. */
  static boolean ready(App app, Task task) {
    return !app.hasHealthChecks()
        || (task.healthy() && task.health.stream().allMatch(h -> h.known));
  }

  /** Stops every task's process and forgets every task (the simulator stops). */
  void stopAll() {
    for (App app : apps.values()) {
      for (Task task : app.tasks) {
        health.forget(task.id);
        if (task.running != null) {
          task.running.stop(Duration.ofSeconds(2));
        }
      }
      app.tasks.clear();
    }
  }

  @Override
  public void close() {
    killer.shutdownNow();
  }
}
