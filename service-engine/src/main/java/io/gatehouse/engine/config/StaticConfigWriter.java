package io.gatehouse.engine.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;

/**
 * Writes a configuration in the static file's form ({@link StaticConfigFile} reads it back): the
 * engine's {@code /config} and its own state file.
 */
final class StaticConfigWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StaticConfigWriter() {}

  /** The file form of {@code config}; private keys only {@code withKeys}, else redacted. */
  static ObjectNode write(EngineConfig config, boolean withKeys) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode services = root.putArray("virtual_services");
    config.virtualServices().values().stream()
        .sorted(Comparator.comparing(VirtualServiceConfig::name))
        .forEach(
            vs -> {
              ObjectNode node = services.addObject().put("name", vs.name());
              ArrayNode listeners = node.putArray("listeners");
              vs.listeners()
                  .forEach(
                      l ->
                          listeners
                              .addObject()
                              .put("address", l.address())
                              .put("port", l.port())
                              .put("protocol", l.protocol().name())
                              .put("tls", l.tls()));
              node.put("pool", vs.pool());
              if (vs.securityPolicy() != null) {
                node.put("security_policy", vs.securityPolicy());
              }
              if (!vs.certificates().isEmpty()) {
                ArrayNode names = node.putArray("certificates");
                vs.certificates().forEach(names::add);
              }
              if (vs.redirectToHttps()) {
                node.put("redirect_to_https", true);
              }
              if (!vs.rateLimits().equals(RateLimitConfig.NONE)) {
                RateLimitConfig r = vs.rateLimits();
                node.putObject("rate_limits")
                    .put("connections_per_second", r.connectionsPerSecond())
                    .put("requests_per_second", r.requestsPerSecond())
                    .put("max_concurrent_connections", r.maxConcurrentConnections())
                    .put("burst", r.burst())
                    .put("client_connections_per_second", r.clientConnectionsPerSecond())
                    .put("client_requests_per_second", r.clientRequestsPerSecond());
              }
              if (vs.child()) {
                ObjectNode host = node.putObject("virtual_host");
                host.put("parent", vs.virtualHost().parent());
                ArrayNode domains = host.putArray("domain_names");
                vs.virtualHost().domainNames().forEach(domains::add);
                host.put("path_prefix", vs.virtualHost().pathPrefix());
              }
              if (vs.clientLogs().full()) {
                node.put("full_client_logs", true);
              }
              if (vs.clientLogs().fullUntil() != null) {
                node.put("full_client_logs_until", vs.clientLogs().fullUntil().toString());
              }
              if (vs.clientLogs().significantLatency() != null) {
                node.put(
                    "significant_latency", vs.clientLogs().significantLatency().toMillis() + "ms");
              }
            });
    ArrayNode pools = root.putArray("pools");
    config.pools().values().stream()
        .sorted(Comparator.comparing(PoolConfig::name))
        .forEach(
            p -> {
              ObjectNode node =
                  pools
                      .addObject()
                      .put("name", p.name())
                      .put("algorithm", p.algorithm().name())
                      .put("connect_timeout", p.connectTimeout().toMillis() + "ms");
              node.put("eject_after", p.ejectAfter())
                  .put("eject_for", p.ejectFor().toMillis() + "ms")
                  .put("draining_timeout", p.drainingTimeout().toMillis() + "ms");
              if (p.hashHeader() != null) {
                node.put("hash_header", p.hashHeader());
              }
              if (p.abPool() != null) {
                node.putObject("ab_pool")
                    .put("pool", p.abPool().pool())
                    .put("percent", p.abPool().percent())
                    .put("sticky", p.abPool().sticky());
              }
              if (p.memberProtocol() != MemberProtocol.HTTP1) {
                node.put("member_protocol", p.memberProtocol().name());
              }
              if (p.memberTls() != null) {
                ObjectNode tls =
                    node.putObject("member_tls")
                        .put("ca_certificates_pem", p.memberTls().caCertificatesPem());
                if (p.memberTls().serverName() != null) {
                  tls.put("server_name", p.memberTls().serverName());
                }
                if (p.memberTls().clientCertificate() != null) {
                  tls.put("client_certificate", p.memberTls().clientCertificate());
                }
              }
              if (p.ejectAfter5xx() > 0) {
                node.put("eject_after_5xx", p.ejectAfter5xx());
              }
              HealthMonitorFile.write(p, node);
              ArrayNode endpoints = node.putArray("endpoints");
              p.endpoints()
                  .forEach(
                      e -> {
                        ObjectNode endpoint =
                            endpoints
                                .addObject()
                                .put("address", e.address())
                                .put("port", e.port())
                                .put("weight", e.weight());
                        if (!e.appId().isEmpty()) {
                          endpoint.put("app_id", e.appId());
                        }
                        if (e.hostname() != null) {
                          endpoint.put("hostname", e.hostname());
                        }
                      });
            });
    ArrayNode policies = root.putArray("security_policies");
    config.securityPolicies().values().stream()
        .sorted(Comparator.comparing(SecurityPolicyConfig::name))
        .forEach(
            p -> {
              ObjectNode node =
                  policies
                      .addObject()
                      .put("name", p.name())
                      .put("default_action", p.defaultAction().name());
              ArrayNode rules = node.putArray("rules");
              p.rules()
                  .forEach(
                      r -> {
                        ObjectNode rule =
                            rules
                                .addObject()
                                .put("index", r.index())
                                .put("name", r.name())
                                .put("action", r.action().name());
                        r.clientCidrs().forEach(rule.putArray("client_cidrs")::add);
                      });
            });
    ArrayNode certificates = root.putArray("certificates");
    config.certificates().values().stream()
        .sorted(Comparator.comparing(CertificateConfig::name))
        .forEach(
            c ->
                certificates
                    .addObject()
                    .put("name", c.name())
                    .put("certificate_pem", c.certificatePem())
                    .put("private_key_pem", withKeys ? c.privateKeyPem() : "<redacted>"));
    return root;
  }
}
