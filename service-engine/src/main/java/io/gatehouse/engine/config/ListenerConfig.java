package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

/**
 * One socket a virtual service listens on.
 *
 * @param address the local address ("0.0.0.0" for all interfaces of the node)
 * @param port the port, 1-65535
 * @param protocol what the listener speaks
 * @param tls whether clients speak TLS to it (terminated with the virtual service's certificate)
 */
public record ListenerConfig(String address, int port, Protocol protocol, boolean tls) {
  public ListenerConfig {
    requireNonNull(address, "address");
    requireNonNull(protocol, "protocol");
  }

  /** A listener without TLS. */
  public ListenerConfig(String address, int port, Protocol protocol) {
    this(address, port, protocol, false);
  }

  /** address:port, the listener's identity. */
  public String socket() {
    return address + ":" + port;
  }
}
