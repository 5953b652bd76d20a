package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.mesos.Agent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a new task runs and on which addresses and ports, as a Mesos offer cycle would decide: the
 * agent with the fewest tasks of the app whose host ports fit (honouring hostname:UNIQUE). Used on
 * the state thread only.
 */
final class Placement {
  /** A task's place: its agent, host ports, the ports it listens on, and its addresses. */
  record Placed(
      Agent agent,
      List<Integer> hostPorts,
      List<Integer> listenPorts,
      String ipAddress,
      String bindAddress) {}

  private final List<Agent> agents;
  private final Map<String, PortAllocator> hostPorts = new LinkedHashMap<>();
  private int bridgeAddresses;
  private int taskAddresses;

  Placement(List<Agent> agents, int[] hostPortRange) {
    this.agents = List.copyOf(agents);
    agents.forEach(
        a -> hostPorts.put(a.id(), new PortAllocator(hostPortRange[0], hostPortRange[1])));
  }

  /** A place for a new task of {@code app} (its host ports reserved), or null when none fits. */
  Placed place(App app) {
    ObjectNode d = app.definition;
    String mode = AppDefinitions.networkMode(d);
    for (Agent agent : candidates(app)) {
      List<Integer> reserved = reserveHostPorts(agent, d, mode);
      if (reserved == null) {
        continue;
      }
      List<Integer> listen = new ArrayList<>(reserved);
      if (mode.equals("container")) {
        // IP-per-task: the task has an address of its own and listens on its container ports
        taskAddresses++;
        String ip = "127.1." + (taskAddresses / 250) + "." + (taskAddresses % 250 + 1);
        for (JsonNode m : d.path("container").path("portMappings")) {
          listen.add(m.get("containerPort").asInt());
        }
        return new Placed(agent, reserved, listen, ip, ip);
      }
      if (mode.equals("container/bridge")) {
        // Docker reports the bridge address, which is not routable; traffic uses host:hostPort
        bridgeAddresses++;
        String bridgeIp = "172.17." + (bridgeAddresses / 250) + "." + (bridgeAddresses % 250 + 2);
        return new Placed(agent, reserved, listen, bridgeIp, agent.hostname());
      }
      return new Placed(agent, reserved, listen, agent.hostname(), agent.hostname());
    }
    return null;
  }

  /** Frees a task's host ports. */
  void release(Task task) {
    PortAllocator ports = hostPorts.get(task.agent.id());
    task.hostPorts.forEach(ports::release);
  }

  /**
   * Agents the app may run on, least loaded with its tasks first. Constraints honoured: {@code
   * hostname:UNIQUE}, and {@code LIKE} / {@code UNLIKE} with a regular expression on the hostname
   * or an attribute (the whole value must match; an agent without the attribute fails LIKE and
   * passes UNLIKE). Other operators are accepted and not enforced.
   */
  private List<Agent> candidates(App app) {
    boolean unique = false;
    for (JsonNode c : app.definition.get("constraints")) {
      if (c.isArray()
          && c.size() >= 2
          && c.get(0).asText().equals("hostname")
          && c.get(1).asText().equals("UNIQUE")) {
        unique = true;
      }
    }
    Map<Agent, Long> load = new LinkedHashMap<>();
    for (Agent agent : agents) {
      long count = app.tasks.stream().filter(t -> t.agent.equals(agent)).count();
      if ((!unique || count == 0) && matchesLikeConstraints(app, agent)) {
        load.put(agent, count);
      }
    }
    return load.entrySet().stream()
        .sorted(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .toList();
  }

  private static boolean matchesLikeConstraints(App app, Agent agent) {
    for (JsonNode c : app.definition.get("constraints")) {
      if (!c.isArray() || c.size() < 3) {
        continue;
      }
      String operator = c.get(1).asText();
      if (!operator.equals("LIKE") && !operator.equals("UNLIKE")) {
        continue;
      }
      String field = c.get(0).asText();
      String value = field.equals("hostname") ? agent.hostname() : agent.attributes().get(field);
      boolean like = value != null && value.matches(c.get(2).asText());
      if (operator.equals("LIKE") != like) {
        return false;
      }
    }
    return true;
  }

  /** Host ports for a task on {@code agent}, reserved; null when they do not fit there. */
  private List<Integer> reserveHostPorts(Agent agent, ObjectNode d, String mode) {
    List<Integer> reserved = new ArrayList<>();
    if (mode.equals("container")) {
      return reserved; // IP-per-task: no host ports
    }
    PortAllocator ports = hostPorts.get(agent.id());
    JsonNode portSpecs =
        mode.equals("host") ? d.get("portDefinitions") : d.path("container").path("portMappings");
    for (JsonNode p : portSpecs) {
      int fixed =
          mode.equals("host")
              ? (d.get("requirePorts").asBoolean() ? p.get("port").asInt() : 0)
              : p.path("hostPort").asInt(0);
      int port = fixed > 0 ? (ports.claim(fixed) ? fixed : -1) : ports.allocate();
      if (port < 0) {
        reserved.forEach(ports::release);
        return null;
      }
      reserved.add(port);
    }
    return reserved;
  }
}
