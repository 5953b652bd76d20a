package io.gatehouse.discovery.mesos;

import java.util.List;
import java.util.Map;

/**
 * A Mesos agent.
 *
 * @param address the IP from the agent's pid ({@code slave(1)@10.0.0.5:5051}), the reliable one
 * @param portRanges offered port ranges, e.g. "31000-32000"
 */
public record Agent(
    String id,
    String hostname,
    String address,
    Map<String, String> attributes,
    double cpus,
    double memMib,
    double diskMib,
    List<String> portRanges,
    double usedCpus,
    double usedMemMib,
    boolean active,
    double registeredTime) {}
