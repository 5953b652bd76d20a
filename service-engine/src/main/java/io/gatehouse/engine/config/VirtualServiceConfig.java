package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A virtual service: the sockets it listens on and the pool that serves it.
 *
 * @param name unique among virtual services
 * @param listeners where it listens
 * @param pool the name of its pool
 * @param securityPolicy the name of the security policy that decides which clients may connect;
 *     null lets every client in
 * @param certificate the name of the certificate its TLS listeners present; null when it has none
 * @param clientLogs which requests get a client log (its analytics policy's full client logs and
 *     significant latency)
 */
public record VirtualServiceConfig(
    String name,
    List<ListenerConfig> listeners,
    String pool,
    String securityPolicy,
    String certificate,
    ClientLogPolicy clientLogs) {
  public VirtualServiceConfig {
    requireNonNull(name, "name");
    requireNonNull(clientLogs, "clientLogs");
    listeners = List.copyOf(listeners);
    requireNonNull(pool, "pool");
  }

  /** A virtual service with significant client logs only. */
  public VirtualServiceConfig(
      String name,
      List<ListenerConfig> listeners,
      String pool,
      String securityPolicy,
      String certificate) {
    this(name, listeners, pool, securityPolicy, certificate, ClientLogPolicy.SIGNIFICANT);
  }

  /** A virtual service open to every client. */
  public VirtualServiceConfig(String name, List<ListenerConfig> listeners, String pool) {
    this(name, listeners, pool, null, null);
  }

  /** A virtual service without TLS. */
  public VirtualServiceConfig(
      String name, List<ListenerConfig> listeners, String pool, String securityPolicy) {
    this(name, listeners, pool, securityPolicy, null);
  }
}
