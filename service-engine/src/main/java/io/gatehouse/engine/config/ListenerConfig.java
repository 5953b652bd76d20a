package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

/**
 * One socket a virtual service listens on.
 *
 * @param address the local address ("0.0.0.0" for all interfaces of the node)
 * @param port the port, 1-65535
 * @param protocol what the listener speaks
 */
public record ListenerConfig(String address, int port, Protocol protocol) {
  public ListenerConfig {
    requireNonNull(address, "address");
    requireNonNull(protocol, "protocol");
  }

  /** address:port, the listener's identity. */
  public String socket() {
    return address + ":" + port;
  }
}
