package io.gatehouse.engine.control;

import io.gatehouse.api.policy.v1.ClientInsights;
import io.gatehouse.api.policy.v1.HealthMonitor;
import io.gatehouse.api.policy.v1.HttpCheck;
import io.gatehouse.api.policy.v1.NetworkSecurityAction;
import io.gatehouse.api.policy.v1.NetworkSecurityRule;
import io.gatehouse.api.semanager.v1.AddressList;
import io.gatehouse.api.semanager.v1.Listener;
import io.gatehouse.api.semanager.v1.PoolEndpoint;
import io.gatehouse.api.semanager.v1.PoolResource;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.SecurityPolicyResource;
import io.gatehouse.api.semanager.v1.VirtualServiceResource;
import io.gatehouse.engine.config.AbPoolConfig;
import io.gatehouse.engine.config.CertificateConfig;
import io.gatehouse.engine.config.ClientLogPolicy;
import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.HealthMonitorConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.MemberProtocol;
import io.gatehouse.engine.config.MemberTlsConfig;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.RateLimitConfig;
import io.gatehouse.engine.config.SecurityPolicyConfig;
import io.gatehouse.engine.config.VirtualHostConfig;
import io.gatehouse.engine.config.VirtualServiceConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the resources se-manager-svc pushes into the engine's own configuration records. Proto
 * messages stop here: the data plane never sees them. A resource that cannot be translated throws
 * {@link IllegalArgumentException} saying why, and is rejected on its own.
 */
final class ResourceTranslator {
  private ResourceTranslator() {}

  static CertificateConfig certificate(Resource resource) {
    require(resource.hasCertificate(), resource, "certificate");
    return new CertificateConfig(
        resource.getName(),
        resource.getCertificate().getCertificatePem(),
        resource.getCertificate().getPrivateKeyPem());
  }

  static SecurityPolicyConfig securityPolicy(Resource resource) {
    require(resource.hasSecurityPolicy(), resource, "security_policy");
    SecurityPolicyResource policy = resource.getSecurityPolicy();
    List<SecurityPolicyConfig.Rule> rules = new ArrayList<>();
    for (NetworkSecurityRule rule : policy.getRulesList()) {
      if (rule.hasEnabled() && !rule.getEnabled()) {
        continue;
      }
      List<String> cidrs = new ArrayList<>(rule.getMatch().getClientCidrsList());
      for (String app : rule.getMatch().getClientMarathonAppsList()) {
        // an app's clients are its tasks' addresses, as the manager resolved them
        cidrs.addAll(
            policy
                .getAppAddressesOrDefault(app, AddressList.getDefaultInstance())
                .getAddressesList());
      }
      if (!rule.getMatch().getClientMarathonAppsList().isEmpty() && cidrs.isEmpty()) {
        continue; // only apps with no running task: the rule matches nobody
      }
      rules.add(
          new SecurityPolicyConfig.Rule(
              rule.getIndex(),
              rule.getName().isEmpty() ? "rule-" + rule.getIndex() : rule.getName(),
              action(rule.getAction()),
              cidrs));
    }
    return new SecurityPolicyConfig(resource.getName(), rules, action(policy.getDefaultAction()));
  }

  static PoolConfig pool(Resource resource) {
    require(resource.hasPool(), resource, "pool");
    PoolResource pool = resource.getPool();
    List<EndpointConfig> endpoints = new ArrayList<>();
    for (PoolEndpoint endpoint : pool.getEndpointsList()) {
      endpoints.add(
          new EndpointConfig(
              endpoint.getAddress(),
              endpoint.getPort(),
              endpoint.getWeight() == 0 ? 1 : endpoint.getWeight(),
              endpoint.getAppId(),
              endpoint.getHostname()));
    }
    List<HealthMonitorConfig> monitors =
        pool.getHealthMonitorsList().stream().map(ResourceTranslator::monitor).toList();
    int ejectAfter =
        pool.getPassiveHealth().getConsecutiveConnectFailures() == 0
            ? 3
            : pool.getPassiveHealth().getConsecutiveConnectFailures();
    Duration ejectFor =
        pool.getPassiveHealth().hasEjectionTime()
            ? duration(pool.getPassiveHealth().getEjectionTime())
            : Duration.ofSeconds(10);
    String hashHeader =
        pool.getConsistentHash().getHeader().isEmpty()
            ? null
            : pool.getConsistentHash().getHeader();
    return new PoolConfig(
        resource.getName(),
        algorithm(pool.getLbAlgorithm()),
        endpoints,
        Duration.ofSeconds(2),
        monitors,
        ejectAfter,
        ejectFor,
        hashHeader,
        pool.hasDrainingTimeout()
            ? duration(pool.getDrainingTimeout())
            : PoolConfig.DEFAULT_DRAINING_TIMEOUT,
        pool.getPassiveHealth().getConsecutive5Xx(),
        pool.hasAbPool()
            ? new AbPoolConfig(
                pool.getAbPool().getPoolRef(),
                Math.min(100, Math.max(0, pool.getAbPool().getRatio())),
                pool.getAbPool().getSticky())
            : null,
        switch (pool.getMemberProtocol()) {
          case MEMBER_PROTOCOL_H2C -> MemberProtocol.H2C;
          case MEMBER_PROTOCOL_H2 -> MemberProtocol.H2;
          default -> MemberProtocol.HTTP1;
        },
        pool.hasMemberTls()
            ? new MemberTlsConfig(
                pool.getMemberTls().getCaCertificatesPem(),
                pool.getMemberTls().getServerName(),
                pool.getMemberTls().getClientCertificate())
            : null);
  }

  static VirtualServiceConfig virtualService(Resource resource) {
    require(resource.hasVirtualService(), resource, "virtual_service");
    VirtualServiceResource vs = resource.getVirtualService();
    List<ListenerConfig> listeners = new ArrayList<>();
    for (Listener listener : vs.getListenersList()) {
      listeners.add(
          new ListenerConfig(
              listener.getAddress().isEmpty() ? "0.0.0.0" : listener.getAddress(),
              listener.getPort(),
              protocol(listener.getProtocol()),
              listener.getTls()));
    }
    return new VirtualServiceConfig(
        resource.getName(),
        listeners,
        vs.getPool(),
        vs.getSecurityPolicy().isEmpty() ? null : vs.getSecurityPolicy(),
        vs.getCertificatesList(),
        new ClientLogPolicy(
            vs.getAnalyticsPolicy().getFullClientLogs().getEnabled(),
            vs.hasFullClientLogsUntil()
                ? Instant.ofEpochSecond(
                    vs.getFullClientLogsUntil().getSeconds(),
                    vs.getFullClientLogsUntil().getNanos())
                : null,
            vs.getAnalyticsPolicy().hasSignificantLatency()
                ? duration(vs.getAnalyticsPolicy().getSignificantLatency())
                : null,
            vs.getAnalyticsPolicy().getClientInsights()
                != ClientInsights.CLIENT_INSIGHTS_NO_INSIGHTS),
        vs.getParent().isEmpty()
            ? null
            : new VirtualHostConfig(vs.getParent(), vs.getDomainNamesList(), vs.getPathPrefix()),
        rateLimits(vs.getRateLimits()),
        vs.getRedirectToHttps(),
        vs.getHttpRulesList());
  }

  private static RateLimitConfig rateLimits(io.gatehouse.api.policy.v1.RateLimits limits) {
    return new RateLimitConfig(
        bounded(limits.getConnectionsPerSecond()),
        bounded(limits.getRequestsPerSecond()),
        bounded(limits.getMaxConcurrentConnections()),
        bounded(limits.getBurst()),
        bounded(limits.getClientConnectionsPerSecond()),
        bounded(limits.getClientRequestsPerSecond()));
  }

  /** A uint32 as a non-negative int: larger values mean as good as no limit. */
  private static int bounded(int uint32) {
    return uint32 < 0 ? Integer.MAX_VALUE : uint32;
  }

  private static HealthMonitorConfig monitor(HealthMonitor monitor) {
    boolean http = monitor.hasHttp();
    Duration interval =
        monitor.hasSendInterval() ? duration(monitor.getSendInterval()) : Duration.ofSeconds(10);
    Duration timeout =
        monitor.hasReceiveTimeout() ? duration(monitor.getReceiveTimeout()) : Duration.ofSeconds(4);
    HttpCheck check = monitor.getHttp();
    return new HealthMonitorConfig(
        http
            ? HealthMonitorConfig.Type.HTTP
            : monitor.hasGrpc() ? HealthMonitorConfig.Type.GRPC : HealthMonitorConfig.Type.TCP,
        interval,
        timeout.compareTo(interval) > 0 ? interval : timeout,
        monitor.getSuccessfulChecks() == 0 ? 2 : (int) monitor.getSuccessfulChecks(),
        monitor.getFailedChecks() == 0 ? 3 : (int) monitor.getFailedChecks(),
        http ? check.getRequestPath() : "/",
        check.getMethod(),
        check.getHostHeader().isEmpty() ? null : check.getHostHeader(),
        check.getExpectedStatusList().stream()
            .map(r -> new HealthMonitorConfig.StatusRange(r.getBegin(), r.getEnd()))
            .toList(),
        monitor.getMonitorPort(),
        monitor.getTcp().getSend().toString(StandardCharsets.ISO_8859_1),
        monitor.getTcp().getExpect().toString(StandardCharsets.ISO_8859_1),
        monitor.getGrpc().getService());
  }

  private static LbAlgorithm algorithm(io.gatehouse.api.policy.v1.LbAlgorithm algorithm) {
    return switch (algorithm) {
      case LB_ALGORITHM_ROUND_ROBIN -> LbAlgorithm.ROUND_ROBIN;
      case LB_ALGORITHM_FASTEST_RESPONSE -> LbAlgorithm.FASTEST_RESPONSE;
      case LB_ALGORITHM_CONSISTENT_HASH -> LbAlgorithm.CONSISTENT_HASH;
      case LB_ALGORITHM_LEAST_CONNECTIONS, LB_ALGORITHM_UNSPECIFIED, UNRECOGNIZED ->
          LbAlgorithm.LEAST_CONNECTIONS;
    };
  }

  private static Protocol protocol(io.gatehouse.api.policy.v1.Protocol protocol) {
    return switch (protocol) {
      case PROTOCOL_TCP -> Protocol.TCP;
      case PROTOCOL_UDP -> Protocol.UDP;
      case PROTOCOL_HTTP, PROTOCOL_UNSPECIFIED, UNRECOGNIZED -> Protocol.HTTP;
    };
  }

  private static SecurityPolicyConfig.Action action(NetworkSecurityAction action) {
    return action == NetworkSecurityAction.NETWORK_SECURITY_ACTION_DENY
        ? SecurityPolicyConfig.Action.DENY
        : SecurityPolicyConfig.Action.ALLOW;
  }

  private static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  private static void require(boolean present, Resource resource, String body) {
    if (!present) {
      throw new IllegalArgumentException(
          resource.getName()
              + ": the update's type needs a "
              + body
              + " body, not "
              + resource.getBodyCase());
    }
  }
}
