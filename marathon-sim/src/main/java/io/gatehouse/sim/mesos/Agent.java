package io.gatehouse.sim.mesos;

import java.util.Map;

/**
 * A simulated Mesos agent. Its hostname is a loopback address of its own (127.0.0.2, 127.0.0.3,
 * ...), so tasks on different agents listen on different addresses, as on separate hosts.
 *
 * @param id Mesos agent id
 * @param hostname what Marathon reports as the task host (here the agent's address)
 * @param attributes agent attributes
 * @param cpus CPUs offered
 * @param memMib memory offered
 * @param registeredTime seconds since the epoch
 */
public record Agent(
    String id,
    String hostname,
    Map<String, String> attributes,
    double cpus,
    double memMib,
    double registeredTime) {}
