package io.gatehouse.sim.mesos;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.http.HttpExchange;
import io.gatehouse.sim.http.Router;
import io.gatehouse.sim.marathon.AgentView;
import io.gatehouse.sim.marathon.Marathon;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /master/state} and {@code GET /master/slaves} as the Mesos master (1.x) answers them,
 * with the simulated agents and the Marathon tasks placed on them; and each agent's {@code GET
 * /monitor/statistics}, the resource use of the tasks on it.
 */
public final class MesosApi {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final List<Agent> agents;
  private final Marathon marathon;
  private final String frameworkId;
  private final Supplier<String> masterAddress;
  private final int agentPort;

  public MesosApi(
      List<Agent> agents,
      Marathon marathon,
      String frameworkId,
      Supplier<String> masterAddress,
      int agentPort) {
    this.agents = List.copyOf(agents);
    this.marathon = marathon;
    this.frameworkId = frameworkId;
    this.masterAddress = masterAddress;
    this.agentPort = agentPort;
  }

  /** The routes of one agent, served at its own address and {@code agentPort}. */
  public Router agentRoutes(Agent agent, Router router) {
    return router
        .add("GET", "/monitor/statistics", x -> x.json(200, statistics(agent)))
        .add("GET", "/monitor/statistics.json", x -> x.json(200, statistics(agent)));
  }

  /**
   * Per running task, its command executor (which has the task's id): the CPU limit (the task's
   * cpus and the executor's 0.1), the CPU time used, and memory.
   */
  private ArrayNode statistics(Agent agent) {
    ArrayNode out = NODES.arrayNode();
    for (AgentView.TaskStatistics task : marathon.agents().statisticsOn(agent.id())) {
      ObjectNode executor = out.addObject();
      executor.put("executor_id", task.taskId());
      executor.put("executor_name", "Command Executor (Task: " + task.taskId() + ")");
      executor.put("framework_id", frameworkId);
      executor.put("source", task.taskId());
      ObjectNode statistics = executor.putObject("statistics");
      statistics.put("cpus_limit", task.cpus() + 0.1);
      statistics.put("cpus_user_time_secs", task.cpuTime().toNanos() / 1e9);
      statistics.put("cpus_system_time_secs", 0.0);
      statistics.put("mem_limit_bytes", (long) ((task.memMib() + 32) * 1048576));
      statistics.put("mem_rss_bytes", 0L);
      statistics.put("timestamp", task.sampledAt().toEpochMilli() / 1000.0);
    }
    return out;
  }

  /** Adds the master's routes. */
  public Router routes(Router router) {
    return router
        .add("GET", "/master/state", this::state)
        .add("GET", "/master/slaves", this::slaves)
        .add("GET", "/master/redirect", x -> x.text(200, "//" + masterAddress.get(), "text/plain"));
  }

  private void slaves(HttpExchange exchange) {
    List<String> filter = exchange.queryParams("slave_id");
    ObjectNode body = NODES.objectNode();
    ArrayNode slaves = body.putArray("slaves");
    for (Agent agent : agents) {
      if (filter.isEmpty() || filter.contains(agent.id())) {
        slaves.add(agentJson(agent, true));
      }
    }
    body.putArray("recovered_slaves");
    exchange.json(200, body);
  }

  private void state(HttpExchange exchange) {
    ObjectNode body = NODES.objectNode();
    body.put("version", "1.9.0");
    body.put("id", frameworkId.replace("-0000", ""));
    String master = masterAddress.get();
    body.put("pid", "master@" + master);
    body.put("hostname", master.substring(0, master.indexOf(':')));
    body.put("activated_slaves", agents.size());
    body.put("deactivated_slaves", 0);
    body.put("leader", "master@" + master);
    ArrayNode slaves = body.putArray("slaves");
    agents.forEach(a -> slaves.add(agentJson(a, false)));
    ArrayNode frameworks = body.putArray("frameworks");
    ObjectNode framework = frameworks.addObject();
    framework.put("id", frameworkId);
    framework.put("name", "marathon");
    framework.put("active", true);
    framework.set("tasks", marathon.agents().mesosTasks(frameworkId));
    framework.putArray("completed_tasks");
    body.putArray("completed_frameworks");
    exchange.json(200, body);
  }

  private ObjectNode agentJson(Agent agent, boolean full) {
    ObjectNode json = NODES.objectNode();
    json.put("id", agent.id());
    json.put("hostname", agent.hostname());
    json.put("port", agentPort);
    ObjectNode attributes = json.putObject("attributes");
    agent.attributes().forEach(attributes::put);
    json.put("pid", "slave(1)@" + agent.hostname() + ":" + agentPort);
    json.put("registered_time", agent.registeredTime());
    json.set("resources", resources(agent.cpus(), agent.memMib(), "[31000-32000]"));
    AgentView.Usage used = marathon.agents().usageOn(agent.id());
    json.set("used_resources", resources(used.cpus(), used.memMib(), used.portRanges()));
    json.set("offered_resources", resources(0, 0, null));
    json.putObject("reserved_resources");
    json.set("unreserved_resources", resources(agent.cpus(), agent.memMib(), "[31000-32000]"));
    json.put("active", true);
    json.put("deactivated", false);
    json.put("version", "1.9.0");
    json.putArray("capabilities").add("MULTI_ROLE").add("HIERARCHICAL_ROLE");
    if (full) {
      json.putObject("reserved_resources_full");
      json.putArray("unreserved_resources_full");
      json.putArray("used_resources_full");
      json.putArray("offered_resources_full");
    }
    return json;
  }

  private static ObjectNode resources(double cpus, double mem, String ports) {
    ObjectNode r = NODES.objectNode();
    r.put("disk", cpus == 0 && mem == 0 ? 0.0 : 35580.0);
    r.put("mem", mem);
    r.put("gpus", 0.0);
    r.put("cpus", cpus);
    if (ports != null && !ports.isEmpty()) {
      r.put("ports", ports);
    }
    return r;
  }
}
