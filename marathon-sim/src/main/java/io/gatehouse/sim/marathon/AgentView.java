package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the Mesos master and its agents say of Marathon's tasks: the framework's task list, and per
 * agent what its tasks are allotted and what they use. Read on the simulator's state thread.
 */
public final class AgentView {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What se-manager and analytics read of an agent's use. */
  public record Usage(double cpus, double memMib, String portRanges) {}

  private final Marathon marathon;
  private final Map<String, App> apps;
  private final Clock clock;

  AgentView(Marathon marathon, Map<String, App> apps, Clock clock) {
    this.marathon = marathon;
    this.apps = apps;
    this.clock = clock;
  }

  /** Marathon tasks as the Mesos master lists them in its framework. */
  public ArrayNode mesosTasks(String frameworkId) {
    return marathon.call(
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
    return marathon.call(
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
    return marathon.call(
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
}
