package io.gatehouse.discovery.mesos;

import java.util.List;
import java.util.Map;

/**
 * A Mesos agent.
 *
 * @param address the IP from the agent's pid ({@code slave(1)@10.0.0.5:5051}), the reliable one
 * @param port the agent's own HTTP port, from its pid
 * @param portRanges offered port ranges, e.g. "31000-32000"
 * @param tasks what its tasks use, as the agent last reported it (empty until then)
 */
public record Agent(
    String id,
    String hostname,
    String address,
    int port,
    Map<String, String> attributes,
    double cpus,
    double memMib,
    double diskMib,
    List<String> portRanges,
    double usedCpus,
    double usedMemMib,
    boolean active,
    double registeredTime,
    List<TaskUsage> tasks) {

  /** This agent with what its tasks use. */
  public Agent withTasks(List<TaskUsage> usage) {
    return new Agent(
        id,
        hostname,
        address,
        port,
        attributes,
        cpus,
        memMib,
        diskMib,
        portRanges,
        usedCpus,
        usedMemMib,
        active,
        registeredTime,
        List.copyOf(usage));
  }
}
