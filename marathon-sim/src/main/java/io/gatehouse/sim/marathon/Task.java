package io.gatehouse.sim.marathon;

import io.gatehouse.sim.mesos.Agent;
import io.gatehouse.sim.tasks.RunningTask;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One task of an app. Owned by the state thread. */
final class Task {
  final String id;
  final String instanceId;
  final String appId;

  /** The app version the task was launched at (Marathon's task "version"). */
  final String version;

  /** The app's last configuration change when launched; a task is replaced when it differs. */
  final String configVersion;

  final Agent agent;
  final String ipAddress;
  final String bindAddress;

  /** Host ports by port index; empty for IP-per-task. */
  final List<Integer> hostPorts;

  /** Ports the task listens on, by port index (host ports, or container ports for IP-per-task). */
  final List<Integer> listenPorts;

  final Instant stagedAt;
  Instant startedAt;
  String state = "TASK_STAGING";
  RunningTask running;
  final List<HealthResult> health = new ArrayList<>();

  Task(
      String id,
      String instanceId,
      String appId,
      String version,
      String configVersion,
      Agent agent,
      String ipAddress,
      String bindAddress,
      List<Integer> hostPorts,
      List<Integer> listenPorts,
      Instant stagedAt) {
    this.id = id;
    this.instanceId = instanceId;
    this.appId = appId;
    this.version = version;
    this.configVersion = configVersion;
    this.agent = agent;
    this.ipAddress = ipAddress;
    this.bindAddress = bindAddress;
    this.hostPorts = List.copyOf(hostPorts);
    this.listenPorts = List.copyOf(listenPorts);
    this.stagedAt = stagedAt;
  }

  boolean isRunning() {
    return state.equals("TASK_RUNNING");
  }

  boolean isKilling() {
    return state.equals("TASK_KILLING");
  }

  /** Alive as far as every health check knows (true when the app has none). */
  boolean healthy() {
    return health.stream().allMatch(h -> h.alive);
  }

  /** The result of one health check of this task. */
  static final class HealthResult {
    boolean alive;
    boolean known;
    int consecutiveFailures;
    Instant firstSuccess;
    Instant lastSuccess;
    Instant lastFailure;
    String lastFailureCause;
  }
}
