package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

/**
 * One pool member.
 *
 * @param address IP address or host name
 * @param port its port
 * @param weight relative share of the traffic, 1-256
 * @param appId the Marathon app of the task behind it ("" for a static server), for analytics
 * @param hostname the member's host name, the name its TLS certificate is checked against when its
 *     pool names none; null when unknown
 */
public record EndpointConfig(String address, int port, int weight, String appId, String hostname) {
  public EndpointConfig {
    requireNonNull(address, "address");
    appId = appId == null ? "" : appId;
    hostname = hostname == null || hostname.isEmpty() ? null : hostname;
  }

  /** A member whose host name is not known. */
  public EndpointConfig(String address, int port, int weight, String appId) {
    this(address, port, weight, appId, null);
  }

  /** A member that is not a Marathon task. */
  public EndpointConfig(String address, int port, int weight) {
    this(address, port, weight, "");
  }

  /** address:port, the member's identity within its pool. */
  public String id() {
    return address + ":" + port;
  }
}
