package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

import io.gatehouse.api.policy.v1.HttpRule;
import java.util.List;

/**
 * A virtual service: the sockets it listens on and the pool that serves it.
 *
 * @param name unique among virtual services
 * @param listeners where it listens
 * @param pool the name of its pool
 * @param securityPolicy the name of the security policy that decides which clients may connect;
 *     null lets every client in
 * @param certificates the names of the certificates its TLS listeners present, chosen by SNI (the
 *     first is the default); a child's are offered on its parent's TLS listeners
 * @param clientLogs which requests get a client log (its analytics policy's full client logs and
 *     significant latency)
 * @param virtualHost for a child service, its parent and what it claims there; null otherwise
 * @param rateLimits its connection and request limits on this engine
 * @param redirectToHttps whether HTTP requests that arrive without TLS get a 301 to https
 * @param httpRules its HTTP policy rules in evaluation order (the policy's own messages: they are
 *     compiled by {@link io.gatehouse.engine.httppolicy.HttpPolicy}); pools they name are in the
 *     configuration
 */
public record VirtualServiceConfig(
    String name,
    List<ListenerConfig> listeners,
    String pool,
    String securityPolicy,
    List<String> certificates,
    ClientLogPolicy clientLogs,
    VirtualHostConfig virtualHost,
    RateLimitConfig rateLimits,
    boolean redirectToHttps,
    List<HttpRule> httpRules) {
  public VirtualServiceConfig {
    requireNonNull(name, "name");
    requireNonNull(clientLogs, "clientLogs");
    listeners = List.copyOf(listeners);
    requireNonNull(pool, "pool");
    certificates = List.copyOf(certificates);
    requireNonNull(rateLimits, "rateLimits");
    httpRules = List.copyOf(httpRules);
  }

  /** A service without HTTP rules. */
  public VirtualServiceConfig(
      String name,
      List<ListenerConfig> listeners,
      String pool,
      String securityPolicy,
      List<String> certificates,
      ClientLogPolicy clientLogs,
      VirtualHostConfig virtualHost,
      RateLimitConfig rateLimits,
      boolean redirectToHttps) {
    this(
        name,
        listeners,
        pool,
        securityPolicy,
        certificates,
        clientLogs,
        virtualHost,
        rateLimits,
        redirectToHttps,
        List.of());
  }

  /** A service that serves plain HTTP requests rather than redirecting them. */
  public VirtualServiceConfig(
      String name,
      List<ListenerConfig> listeners,
      String pool,
      String securityPolicy,
      List<String> certificates,
      ClientLogPolicy clientLogs,
      VirtualHostConfig virtualHost,
      RateLimitConfig rateLimits) {
    this(
        name,
        listeners,
        pool,
        securityPolicy,
        certificates,
        clientLogs,
        virtualHost,
        rateLimits,
        false);
  }

  /** A service without rate limits. */
  public VirtualServiceConfig(
      String name,
      List<ListenerConfig> listeners,
      String pool,
      String securityPolicy,
      List<String> certificates,
      ClientLogPolicy clientLogs,
      VirtualHostConfig virtualHost) {
    this(
        name,
        listeners,
        pool,
        securityPolicy,
        certificates,
        clientLogs,
        virtualHost,
        RateLimitConfig.NONE);
  }

  /** A service that is nobody's child, with at most one certificate. */
  public VirtualServiceConfig(
      String name,
      List<ListenerConfig> listeners,
      String pool,
      String securityPolicy,
      String certificate,
      ClientLogPolicy clientLogs) {
    this(
        name,
        listeners,
        pool,
        securityPolicy,
        certificate == null ? List.of() : List.of(certificate),
        clientLogs,
        null);
  }

  /** A child of {@code parent}, serving its requests for {@code domainNames} and the prefix. */
  public static VirtualServiceConfig child(
      String name, String pool, VirtualHostConfig virtualHost, List<String> certificates) {
    return new VirtualServiceConfig(
        name, List.of(), pool, null, certificates, ClientLogPolicy.SIGNIFICANT, virtualHost);
  }

  /** Whether it is a child service. */
  public boolean child() {
    return virtualHost != null;
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
