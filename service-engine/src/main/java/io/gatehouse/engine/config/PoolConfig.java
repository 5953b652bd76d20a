package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * A pool: its members and how traffic is spread over them.
 *
 * @param name unique among pools
 * @param algorithm the load-balancing algorithm
 * @param endpoints the members
 * @param connectTimeout how long a connection to a member may take before the next is tried
 * @param healthMonitors the active monitors of the members, every one of which must find a member
 *     up; none: members are up unless passive checks eject them
 * @param ejectAfter connection failures in a row that take a member out of rotation for {@code
 *     ejectFor} (passive health); 0 never ejects
 * @param ejectFor how long an ejected member stays out
 * @param hashHeader for {@link LbAlgorithm#CONSISTENT_HASH}: the request header whose value is
 *     hashed; null hashes the client's address (as does a request without the header)
 * @param drainingTimeout how long a member removed from the pool keeps its in-flight requests (it
 *     gets no new ones); what is still open after it is closed
 * @param ejectAfter5xx HTTP 5xx responses in a row that take a member out of rotation for {@code
 *     ejectFor} (passive health); 0 never ejects
 * @param abPool the B pool that takes a share of the traffic; null for none
 * @param memberProtocol what the engine speaks to the members of an HTTP service
 * @param memberTls TLS to the members; null: clear text
 */
public record PoolConfig(
    String name,
    LbAlgorithm algorithm,
    List<EndpointConfig> endpoints,
    Duration connectTimeout,
    List<HealthMonitorConfig> healthMonitors,
    int ejectAfter,
    Duration ejectFor,
    String hashHeader,
    Duration drainingTimeout,
    int ejectAfter5xx,
    AbPoolConfig abPool,
    MemberProtocol memberProtocol,
    MemberTlsConfig memberTls) {
  /** How long a removed member keeps its in-flight requests when nothing else is said. */
  public static final Duration DEFAULT_DRAINING_TIMEOUT = Duration.ofSeconds(30);

  public PoolConfig {
    requireNonNull(name, "name");
    requireNonNull(algorithm, "algorithm");
    endpoints = List.copyOf(endpoints);
    requireNonNull(connectTimeout, "connectTimeout");
    requireNonNull(ejectFor, "ejectFor");
    requireNonNull(drainingTimeout, "drainingTimeout");
    healthMonitors = List.copyOf(healthMonitors);
    requireNonNull(memberProtocol, "memberProtocol");
  }

  /** A pool whose members are spoken to in clear. */
  public PoolConfig(
      String name,
      LbAlgorithm algorithm,
      List<EndpointConfig> endpoints,
      Duration connectTimeout,
      List<HealthMonitorConfig> healthMonitors,
      int ejectAfter,
      Duration ejectFor,
      String hashHeader,
      Duration drainingTimeout,
      int ejectAfter5xx,
      AbPoolConfig abPool,
      MemberProtocol memberProtocol) {
    this(
        name,
        algorithm,
        endpoints,
        connectTimeout,
        healthMonitors,
        ejectAfter,
        ejectFor,
        hashHeader,
        drainingTimeout,
        ejectAfter5xx,
        abPool,
        memberProtocol,
        null);
  }

  /** A pool whose members speak HTTP/1.1. */
  public PoolConfig(
      String name,
      LbAlgorithm algorithm,
      List<EndpointConfig> endpoints,
      Duration connectTimeout,
      List<HealthMonitorConfig> healthMonitors,
      int ejectAfter,
      Duration ejectFor,
      String hashHeader,
      Duration drainingTimeout,
      int ejectAfter5xx,
      AbPoolConfig abPool) {
    this(
        name,
        algorithm,
        endpoints,
        connectTimeout,
        healthMonitors,
        ejectAfter,
        ejectFor,
        hashHeader,
        drainingTimeout,
        ejectAfter5xx,
        abPool,
        MemberProtocol.HTTP1);
  }

  /** A pool without a B pool. */
  public PoolConfig(
      String name,
      LbAlgorithm algorithm,
      List<EndpointConfig> endpoints,
      Duration connectTimeout,
      List<HealthMonitorConfig> healthMonitors,
      int ejectAfter,
      Duration ejectFor,
      String hashHeader,
      Duration drainingTimeout,
      int ejectAfter5xx) {
    this(
        name,
        algorithm,
        endpoints,
        connectTimeout,
        healthMonitors,
        ejectAfter,
        ejectFor,
        hashHeader,
        drainingTimeout,
        ejectAfter5xx,
        null);
  }

  /** A pool with at most one active monitor and no ejection on 5xx. */
  public PoolConfig(
      String name,
      LbAlgorithm algorithm,
      List<EndpointConfig> endpoints,
      Duration connectTimeout,
      HealthMonitorConfig healthMonitor,
      int ejectAfter,
      Duration ejectFor,
      String hashHeader,
      Duration drainingTimeout) {
    this(
        name,
        algorithm,
        endpoints,
        connectTimeout,
        healthMonitor == null ? List.of() : List.of(healthMonitor),
        ejectAfter,
        ejectFor,
        hashHeader,
        drainingTimeout,
        0);
  }

  /** A pool with the default draining timeout. */
  public PoolConfig(
      String name,
      LbAlgorithm algorithm,
      List<EndpointConfig> endpoints,
      Duration connectTimeout,
      HealthMonitorConfig healthMonitor,
      int ejectAfter,
      Duration ejectFor,
      String hashHeader) {
    this(
        name,
        algorithm,
        endpoints,
        connectTimeout,
        healthMonitor,
        ejectAfter,
        ejectFor,
        hashHeader,
        DEFAULT_DRAINING_TIMEOUT);
  }

  /** A pool without an active monitor; three connection failures in a row eject for 10 s. */
  public PoolConfig(
      String name, LbAlgorithm algorithm, List<EndpointConfig> endpoints, Duration connectTimeout) {
    this(name, algorithm, endpoints, connectTimeout, null, 3, Duration.ofSeconds(10), null);
  }
}
