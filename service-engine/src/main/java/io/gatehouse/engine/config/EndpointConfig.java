package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

/**
 * One pool member.
 *
 * @param address IP address or host name
 * @param port its port
 * @param weight relative share of the traffic, 1-256
 */
public record EndpointConfig(String address, int port, int weight) {
  public EndpointConfig {
    requireNonNull(address, "address");
  }

  /** address:port, the member's identity within its pool. */
  public String id() {
    return address + ":" + port;
  }
}
