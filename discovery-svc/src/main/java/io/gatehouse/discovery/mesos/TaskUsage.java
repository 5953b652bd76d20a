package io.gatehouse.discovery.mesos;

/**
 * What one task uses on its agent, from the agent's {@code /monitor/statistics}.
 *
 * @param taskId the Mesos (and Marathon) task id
 * @param cpusLimit CPUs the task's executor may use (the task's and its executor's share)
 * @param memLimitMib memory limit
 * @param cpusUsed mean CPUs used since the previous sample; null for a task's first sample
 * @param memUsedMib resident memory
 */
public record TaskUsage(
    String taskId, double cpusLimit, double memLimitMib, Double cpusUsed, double memUsedMib) {}
