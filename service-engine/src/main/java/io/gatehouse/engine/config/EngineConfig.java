package io.gatehouse.engine.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything an engine runs: virtual services and the pools they use, each by name. It is
 * internally consistent: {@link #validate()} lists what is wrong, field by field, before an engine
 * applies it, so an engine never half-applies a bad configuration.
 */
public record EngineConfig(
    Map<String, VirtualServiceConfig> virtualServices,
    Map<String, PoolConfig> pools,
    Map<String, SecurityPolicyConfig> securityPolicies,
    Map<String, CertificateConfig> certificates) {
  public EngineConfig {
    virtualServices = Map.copyOf(virtualServices);
    pools = Map.copyOf(pools);
    securityPolicies = Map.copyOf(securityPolicies);
    certificates = Map.copyOf(certificates);
  }

  /** An engine with nothing to serve. */
  public static EngineConfig empty() {
    return new EngineConfig(Map.of(), Map.of(), Map.of(), Map.of());
  }

  /** The same configuration with {@code certificates}, keyed by name. */
  public EngineConfig withCertificates(List<CertificateConfig> certificates) {
    Map<String, CertificateConfig> byName = new LinkedHashMap<>();
    List<InvalidConfigException.Violation> duplicates = new ArrayList<>();
    for (CertificateConfig certificate : certificates) {
      if (byName.put(certificate.name(), certificate) != null) {
        duplicates.add(
            new InvalidConfigException.Violation(
                "certificate " + certificate.name(), "appears twice"));
      }
    }
    if (!duplicates.isEmpty()) {
      throw new InvalidConfigException(duplicates);
    }
    return new EngineConfig(virtualServices, pools, securityPolicies, byName);
  }

  /** From lists, keyed by name, without security policies. */
  public static EngineConfig of(List<VirtualServiceConfig> services, List<PoolConfig> pools) {
    return of(services, pools, List.of());
  }

  /**
   * From lists, keyed by name.
   *
   * @throws InvalidConfigException naming a repeated name
   */
  public static EngineConfig of(
      List<VirtualServiceConfig> services,
      List<PoolConfig> pools,
      List<SecurityPolicyConfig> securityPolicies) {
    Map<String, VirtualServiceConfig> vsByName = new LinkedHashMap<>();
    Map<String, PoolConfig> poolByName = new LinkedHashMap<>();
    List<String> duplicates = new ArrayList<>();
    services.forEach(
        vs -> {
          if (vsByName.put(vs.name(), vs) != null) {
            duplicates.add("virtual service " + vs.name());
          }
        });
    pools.forEach(
        p -> {
          if (poolByName.put(p.name(), p) != null) {
            duplicates.add("pool " + p.name());
          }
        });
    Map<String, SecurityPolicyConfig> policyByName = new LinkedHashMap<>();
    securityPolicies.forEach(
        p -> {
          if (policyByName.put(p.name(), p) != null) {
            duplicates.add("security policy " + p.name());
          }
        });
    if (!duplicates.isEmpty()) {
      throw new InvalidConfigException(
          duplicates.stream()
              .map(d -> new InvalidConfigException.Violation(d, "appears twice"))
              .toList());
    }
    return new EngineConfig(vsByName, poolByName, policyByName, Map.of());
  }

  /**
   * Checks every field; throws naming each problem.
   *
   * @throws InvalidConfigException with one violation per problem
   */
  public EngineConfig validate() {
    List<InvalidConfigException.Violation> violations = new ArrayList<>();
    Map<String, String> sockets = new HashMap<>();
    for (VirtualServiceConfig vs : virtualServices.values()) {
      String at = "virtual_services." + vs.name();
      if (vs.name().isBlank()) {
        violations.add(new InvalidConfigException.Violation(at + ".name", "must not be empty"));
      }
      if (!pools.containsKey(vs.pool())) {
        violations.add(
            new InvalidConfigException.Violation(
                at + ".pool", "no pool named \"" + vs.pool() + "\""));
      }
      if (vs.securityPolicy() != null && !securityPolicies.containsKey(vs.securityPolicy())) {
        violations.add(
            new InvalidConfigException.Violation(
                at + ".security_policy",
                "no security policy named \"" + vs.securityPolicy() + "\""));
      }
      boolean tls = vs.listeners().stream().anyMatch(ListenerConfig::tls);
      for (String certificate : vs.certificates()) {
        if (!certificates.containsKey(certificate)) {
          violations.add(
              new InvalidConfigException.Violation(
                  at + ".certificates", "no certificate named \"" + certificate + "\""));
        }
      }
      if (tls && vs.certificates().isEmpty()) {
        violations.add(
            new InvalidConfigException.Violation(
                at + ".certificates", "a TLS listener needs the virtual service's certificate"));
      }
      RateLimitConfig limits = vs.rateLimits();
      if (java.util.stream.IntStream.of(
              limits.connectionsPerSecond(),
              limits.requestsPerSecond(),
              limits.maxConcurrentConnections(),
              limits.burst(),
              limits.clientConnectionsPerSecond(),
              limits.clientRequestsPerSecond())
          .anyMatch(v -> v < 0)) {
        violations.add(
            new InvalidConfigException.Violation(at + ".rate_limits", "must not be negative"));
      }
      if (vs.child() && !limits.equals(RateLimitConfig.NONE)) {
        violations.add(
            new InvalidConfigException.Violation(
                at + ".rate_limits", "a child's requests are held to its parent's limits"));
      }
      try {
        io.gatehouse.engine.httppolicy.HttpPolicy.check(vs.httpRules());
      } catch (IllegalArgumentException e) {
        violations.add(new InvalidConfigException.Violation(at + ".http_rules", e.getMessage()));
      }
      for (int i = 0; i < vs.httpRules().size(); i++) {
        var action = vs.httpRules().get(i).getAction();
        if (action.getDecisionCase() == io.gatehouse.api.policy.v1.HttpAction.DecisionCase.POOL_REF
            && !pools.containsKey(action.getPoolRef())) {
          violations.add(
              new InvalidConfigException.Violation(
                  at + ".http_rules[" + i + "].action.pool_ref",
                  "no pool named \"" + action.getPoolRef() + "\""));
        }
      }
      PoolConfig served = pools.get(vs.pool());
      if (served != null && vs.listeners().stream().anyMatch(l -> l.protocol() != Protocol.HTTP)) {
        PoolConfig b = served.abPool() == null ? null : pools.get(served.abPool().pool());
        for (PoolConfig side : b == null ? List.of(served) : List.of(served, b)) {
          if (side.memberProtocol() != MemberProtocol.HTTP1 || side.memberTls() != null) {
            violations.add(
                new InvalidConfigException.Violation(
                    at + ".pool",
                    (side == served ? "pool" : "the B pool of pool \"" + vs.pool() + "\",")
                        + " \""
                        + side.name()
                        + "\" speaks "
                        + side.memberProtocol()
                        + (side.memberTls() != null ? " over TLS" : "")
                        + " to its members, which only an HTTP listener's requests can use"));
          }
        }
      }
      if (vs.child()) {
        VirtualHosts.validateChild(vs, virtualServices, violations);
      } else if (vs.listeners().isEmpty()) {
        violations.add(
            new InvalidConfigException.Violation(at + ".listeners", "needs at least one listener"));
      }
      for (int i = 0; i < vs.listeners().size(); i++) {
        ListenerConfig listener = vs.listeners().get(i);
        String field = at + ".listeners[" + i + "]";
        if (listener.port() < 1 || listener.port() > 65535) {
          violations.add(
              new InvalidConfigException.Violation(
                  field + ".port", "must be 1-65535, not " + listener.port()));
        }
        String other = sockets.putIfAbsent(listener.socket(), vs.name());
        if (other != null && !other.equals(vs.name())) {
          violations.add(
              new InvalidConfigException.Violation(
                  field, listener.socket() + " is also a listener of virtual service " + other));
        }
      }
    }
    VirtualHosts.validateClaims(virtualServices.values(), violations);
    for (PoolConfig pool : pools.values()) {
      String at = "pools." + pool.name();
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < pool.endpoints().size(); i++) {
        EndpointConfig endpoint = pool.endpoints().get(i);
        String field = at + ".endpoints[" + i + "]";
        if (endpoint.port() < 1 || endpoint.port() > 65535) {
          violations.add(
              new InvalidConfigException.Violation(
                  field + ".port", "must be 1-65535, not " + endpoint.port()));
        }
        if (endpoint.weight() < 1 || endpoint.weight() > 256) {
          violations.add(
              new InvalidConfigException.Violation(
                  field + ".weight", "must be 1-256, not " + endpoint.weight()));
        }
        if (!ids.add(endpoint.id())) {
          violations.add(
              new InvalidConfigException.Violation(field, endpoint.id() + " appears twice"));
        }
      }
      if (pool.connectTimeout().isNegative() || pool.connectTimeout().isZero()) {
        violations.add(
            new InvalidConfigException.Violation(at + ".connect_timeout", "must be positive"));
      }
      if (pool.ejectAfter() < 0) {
        violations.add(
            new InvalidConfigException.Violation(at + ".eject_after", "must be 0 or more"));
      }
      if (pool.ejectAfter5xx() < 0) {
        violations.add(
            new InvalidConfigException.Violation(at + ".eject_after_5xx", "must be 0 or more"));
      }
      HealthMonitorFile.validate(pool, violations);
      validateMemberTls(pool, at, violations);
      AbPoolConfig ab = pool.abPool();
      if (ab != null) {
        PoolConfig b = pools.get(ab.pool());
        if (b == null || b.abPool() != null || b == pool) {
          violations.add(
              new InvalidConfigException.Violation(
                  at + ".ab_pool.pool",
                  "must name another pool, one without a B pool: not \"" + ab.pool() + "\""));
        }
        if (ab.percent() < 0 || ab.percent() > 100) {
          violations.add(
              new InvalidConfigException.Violation(at + ".ab_pool.percent", "must be 0-100"));
        }
      }
    }
    for (SecurityPolicyConfig policy : securityPolicies.values()) {
      String at = "security_policies." + policy.name();
      Set<Integer> indexes = new HashSet<>();
      for (SecurityPolicyConfig.Rule rule : policy.rules()) {
        String field = at + ".rules[" + rule.name() + "]";
        if (!indexes.add(rule.index())) {
          violations.add(
              new InvalidConfigException.Violation(
                  field + ".index", rule.index() + " is used twice"));
        }
        for (String cidr : rule.clientCidrs()) {
          try {
            io.gatehouse.engine.security.Cidr.parse(cidr);
          } catch (IllegalArgumentException e) {
            violations.add(
                new InvalidConfigException.Violation(field + ".client_cidrs", e.getMessage()));
          }
        }
      }
    }
    for (CertificateConfig certificate : certificates.values()) {
      try {
        io.gatehouse.engine.tls.TlsContexts.check(certificate);
      } catch (IllegalArgumentException e) {
        violations.add(
            new InvalidConfigException.Violation(
                "certificates." + certificate.name(), e.getMessage()));
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidConfigException(violations);
    }
    return this;
  }

  /** HTTP/2 over TLS needs TLS, h2c is clear text, and a client certificate must be here. */
  private void validateMemberTls(
      PoolConfig pool, String at, List<InvalidConfigException.Violation> violations) {
    MemberTlsConfig tls = pool.memberTls();
    if (pool.memberProtocol() == MemberProtocol.H2 && tls == null) {
      violations.add(
          new InvalidConfigException.Violation(
              at + ".member_protocol", "H2 is HTTP/2 over TLS: the pool needs member TLS"));
    }
    if (pool.memberProtocol() == MemberProtocol.H2C && tls != null) {
      violations.add(
          new InvalidConfigException.Violation(
              at + ".member_protocol", "H2C is HTTP/2 in clear: with member TLS use H2"));
    }
    if (tls != null
        && tls.clientCertificate() != null
        && !certificates.containsKey(tls.clientCertificate())) {
      violations.add(
          new InvalidConfigException.Violation(
              at + ".member_tls.client_certificate",
              "no certificate named \"" + tls.clientCertificate() + "\""));
    }
  }
}
