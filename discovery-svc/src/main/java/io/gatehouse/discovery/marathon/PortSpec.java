package io.gatehouse.discovery.marathon;

import java.util.Map;

/**
 * One port of an app, in port index order.
 *
 * @param servicePort Marathon's service port; 0 when the port has none (e.g. udp mappings)
 * @param containerPort the container port; 0 in host networking
 * @param hostPort the requested host port; 0 when Marathon picks one
 * @param protocol "tcp", "udp" or "udp,tcp"
 */
public record PortSpec(
    int index,
    int servicePort,
    int containerPort,
    int hostPort,
    String protocol,
    String name,
    Map<String, String> labels) {}
