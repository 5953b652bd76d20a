package io.gatehouse.discovery.marathon;

import java.util.List;

/**
 * A task of an app, resolved: its endpoints (one per app port that it serves) and its health.
 *
 * @param routable whether the task should get new traffic: running, and healthy when the app has
 *     health checks
 */
public record MarathonTask(
    String id,
    String appId,
    String agentId,
    String host,
    List<Integer> hostPorts,
    List<String> ipAddresses,
    TaskState state,
    Health health,
    List<Endpoint> endpoints,
    String stagedAt,
    String startedAt,
    String version,
    boolean routable) {}
