package io.gatehouse.policy.objects;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.gatehouse.api.policy.v1.AutoscaleMetric;
import io.gatehouse.api.policy.v1.AutoscalePolicy;
import io.gatehouse.api.policy.v1.HealthMonitor;
import io.gatehouse.api.policy.v1.HttpCheck;
import io.gatehouse.api.policy.v1.NetworkSecurityAction;
import io.gatehouse.api.policy.v1.NetworkSecurityMatch;
import io.gatehouse.api.policy.v1.NetworkSecurityPolicy;
import io.gatehouse.api.policy.v1.NetworkSecurityRule;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Server;
import io.gatehouse.api.policy.v1.StaticServers;
import io.gatehouse.api.policy.v1.StatusRange;
import io.gatehouse.policy.internal.FieldViolation;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationTest {

  @Test
  void healthMonitorTimingsMustFitTogether() {
    HealthMonitor monitor =
        HealthMonitor.newBuilder()
            .setHttp(
                HttpCheck.newBuilder()
                    .setRequestPath("health")
                    .addExpectedStatus(StatusRange.newBuilder().setBegin(500).setEnd(200)))
            .setSendInterval(Duration.newBuilder().setSeconds(2))
            .setReceiveTimeout(Duration.newBuilder().setSeconds(5))
            .setFailedChecks(60)
            .build();

    assertThat(fields(new HealthMonitorKind(), monitor, "health_monitor"))
        .containsExactlyInAnyOrder(
            "health_monitor.http.request_path",
            "health_monitor.http.expected_status[0]",
            "health_monitor.receive_timeout",
            "health_monitor.failed_checks");
  }

  @Test
  void aGrpcMonitorNamesAPrintableServiceAndAPoolAKnownMemberProtocol() {
    HealthMonitor grpc =
        HealthMonitor.newBuilder()
            .setGrpc(io.gatehouse.api.policy.v1.GrpcCheck.newBuilder().setService("shop cart"))
            .build();
    assertThat(fields(new HealthMonitorKind(), grpc, "health_monitor"))
        .containsExactly("health_monitor.grpc.service");
    assertThat(
            fields(
                new HealthMonitorKind(),
                grpc.toBuilder()
                    .setGrpc(
                        io.gatehouse.api.policy.v1.GrpcCheck.newBuilder().setService("shop.Cart"))
                    .build(),
                "health_monitor"))
        .isEmpty();
    Pool unknown =
        Pool.newBuilder()
            .setStaticServers(
                StaticServers.newBuilder()
                    .addServers(Server.newBuilder().setIpAddress("10.0.0.1").setPort(80)))
            .setMemberProtocolValue(99)
            .build();
    assertThat(fields(new PoolKind(), unknown, "pool")).containsExactly("pool.member_protocol");
  }

  @Test
  void memberTlsNeedsParsableCasAPlainServerNameAndAProtocolThatFits() {
    Pool.Builder base =
        Pool.newBuilder()
            .setStaticServers(
                StaticServers.newBuilder()
                    .addServers(Server.newBuilder().setIpAddress("10.0.0.1").setPort(443)));
    String ca =
        io.gatehouse.testsupport.TestCertificates.authority("members-ca").pem().certificate();
    Pool good =
        base.clone()
            .setMemberProtocol(io.gatehouse.api.policy.v1.MemberProtocol.MEMBER_PROTOCOL_H2)
            .setMemberTls(
                io.gatehouse.api.policy.v1.MemberTls.newBuilder()
                    .setCaCertificatesPem(ca)
                    .setServerName("orders.internal")
                    .setClientCertificateRef("engine-client"))
            .build();
    assertThat(fields(new PoolKind(), good, "pool")).isEmpty();
    assertThat(new PoolKind().references(good))
        .extracting(PolicyKind.Reference::field)
        .contains("member_tls.client_certificate_ref");

    Pool hostile =
        base.clone()
            .setMemberTls(
                io.gatehouse.api.policy.v1.MemberTls.newBuilder()
                    .setCaCertificatesPem("-----BEGIN CERTIFICATE-----\nnot base64\n")
                    .setServerName("orders.internal\r\nx-injected: 1"))
            .build();
    assertThat(fields(new PoolKind(), hostile, "pool"))
        .containsExactlyInAnyOrder(
            "pool.member_tls.ca_certificates_pem", "pool.member_tls.server_name");
    Pool hostileHost =
        good.toBuilder()
            .setStaticServers(
                StaticServers.newBuilder()
                    .addServers(
                        Server.newBuilder()
                            .setIpAddress("10.0.0.1")
                            .setPort(443)
                            .setHostname("orders.internal\r\nx-injected: 1")))
            .build();
    assertThat(fields(new PoolKind(), hostileHost, "pool"))
        .containsExactly("pool.static_servers.servers[0].hostname");
    Pool huge =
        base.clone()
            .setMemberTls(
                io.gatehouse.api.policy.v1.MemberTls.newBuilder()
                    .setCaCertificatesPem(ca.repeat(MemberTlsRules.MAX_CA_BYTES / ca.length() + 1)))
            .build();
    assertThat(fields(new PoolKind(), huge, "pool"))
        .containsExactly("pool.member_tls.ca_certificates_pem");
    assertThat(
            fields(
                new PoolKind(),
                base.clone()
                    .setMemberProtocol(io.gatehouse.api.policy.v1.MemberProtocol.MEMBER_PROTOCOL_H2)
                    .build(),
                "pool"))
        .containsExactly("pool.member_protocol");
    assertThat(
            fields(
                new PoolKind(),
                good.toBuilder()
                    .setMemberProtocol(
                        io.gatehouse.api.policy.v1.MemberProtocol.MEMBER_PROTOCOL_H2C)
                    .build(),
                "pool"))
        .containsExactly("pool.member_protocol");
  }

  @Test
  void poolsNeedMembersWithValidAddressesAndNoDuplicates() {
    Pool pool =
        Pool.newBuilder()
            .setStaticServers(
                StaticServers.newBuilder()
                    .addServers(Server.newBuilder().setIpAddress("10.0.0.1").setPort(80))
                    .addServers(Server.newBuilder().setIpAddress("10.0.0.1").setPort(80))
                    .addServers(
                        Server.newBuilder().setIpAddress("web-1").setPort(0).setWeight(300)))
            .setAutoscalePolicyRef("scale")
            .build();

    assertThat(fields(new PoolKind(), pool, "pool"))
        .containsExactlyInAnyOrder(
            "pool.static_servers.servers[1]",
            "pool.static_servers.servers[2].ip_address",
            "pool.static_servers.servers[2].port",
            "pool.static_servers.servers[2].weight",
            "pool.autoscale_policy_ref");
    assertThat(fields(new PoolKind(), Pool.getDefaultInstance(), "pool")).containsExactly("pool");
  }

  @Test
  void securityRulesNeedAnActionValidCidrsAndUniqueIndexesAndLogNothing() {
    NetworkSecurityPolicy policy =
        NetworkSecurityPolicy.newBuilder()
            .addRules(
                NetworkSecurityRule.newBuilder()
                    .setIndex(1)
                    .setAction(NetworkSecurityAction.NETWORK_SECURITY_ACTION_DENY)
                    .setMatch(NetworkSecurityMatch.newBuilder().addClientCidrs("10.0.0.0/8")))
            .addRules(
                NetworkSecurityRule.newBuilder()
                    .setIndex(1)
                    .setLog(true)
                    .setMatch(
                        NetworkSecurityMatch.newBuilder()
                            .addClientCidrs("10.0.0.0/99")
                            .addClientMarathonApps("shop/web")))
            .build();

    assertThat(fields(new NetworkSecurityPolicyKind(), policy, "network_security_policy"))
        .containsExactlyInAnyOrder(
            "network_security_policy.rules[1].index",
            "network_security_policy.rules[1].action",
            "network_security_policy.rules[1].log",
            "network_security_policy.rules[1].match.client_cidrs[0]",
            "network_security_policy.rules[1].match.client_marathon_apps[0]");
  }

  @Test
  void autoscaleThresholdsMustNotOverlap() {
    AutoscalePolicy policy =
        AutoscalePolicy.newBuilder()
            .setMinInstances(2)
            .setMaxInstances(1)
            .setMetric(AutoscaleMetric.AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE)
            .setScaleOutThreshold(100)
            .setScaleInThreshold(100)
            .setScaleOutStep(1)
            .setScaleInStep(1)
            .build();

    assertThat(fields(new AutoscalePolicyKind(), policy, "autoscale_policy"))
        .containsExactlyInAnyOrder(
            "autoscale_policy.max_instances", "autoscale_policy.scale_in_threshold");
  }

  @Test
  void namesAreChecked() {
    assertThat(Names.problem("web-1.prod/api")).isNull();
    assertThat(Names.problem("")).contains("required");
    assertThat(Names.problem("/shop")).contains("starting with a letter");
    assertThat(Names.problem("a b")).isNotNull();
    assertThat(Names.problem("x".repeat(254))).isNotNull();
  }

  /** A valid east-west HTTP virtual service "web" on port 10001, pool "web". */
  private static io.gatehouse.api.policy.v1.VirtualService.Builder eastWestHttp() {
    return io.gatehouse.api.policy.v1.VirtualService.newBuilder()
        .setMeta(io.gatehouse.api.policy.v1.ObjectMeta.newBuilder().setName("web"))
        .setEastWest(true)
        .addServices(
            io.gatehouse.api.policy.v1.Service.newBuilder()
                .setPort(10001)
                .setProtocol(io.gatehouse.api.policy.v1.Protocol.PROTOCOL_HTTP))
        .setPoolRef("web");
  }

  @Test
  void metricsAreAlwaysRealTimeAndWhatWouldTurnThatOffIsRefused() {
    io.gatehouse.api.policy.v1.VirtualService.Builder vs = eastWestHttp();
    io.gatehouse.api.policy.v1.MetricsRealtimeUpdate.Builder realtime =
        io.gatehouse.api.policy.v1.MetricsRealtimeUpdate.newBuilder();

    assertThat(fields(new VirtualServiceKind(), vs.build(), "virtual_service")).isEmpty();
    assertThat(
            fields(
                new VirtualServiceKind(),
                vs.setAnalyticsPolicy(
                        io.gatehouse.api.policy.v1.AnalyticsPolicy.newBuilder()
                            .setMetricsRealtimeUpdate(realtime.setEnabled(true)))
                    .build(),
                "virtual_service"))
        .isEmpty();
    assertThat(
            fields(
                new VirtualServiceKind(),
                vs.setAnalyticsPolicy(
                        io.gatehouse.api.policy.v1.AnalyticsPolicy.newBuilder()
                            .setMetricsRealtimeUpdate(
                                realtime
                                    .setEnabled(false)
                                    .setDuration(Duration.newBuilder().setSeconds(1800))))
                    .build(),
                "virtual_service"))
        .containsExactlyInAnyOrder(
            "virtual_service.analytics_policy.metrics_realtime_update.enabled",
            "virtual_service.analytics_policy.metrics_realtime_update.duration");
  }

  @Test
  void clientInsightsArePassiveOrNoneNeverActive() {
    io.gatehouse.api.policy.v1.VirtualService.Builder vs = eastWestHttp();
    for (io.gatehouse.api.policy.v1.ClientInsights kept :
        List.of(
            io.gatehouse.api.policy.v1.ClientInsights.CLIENT_INSIGHTS_UNSPECIFIED,
            io.gatehouse.api.policy.v1.ClientInsights.CLIENT_INSIGHTS_PASSIVE,
            io.gatehouse.api.policy.v1.ClientInsights.CLIENT_INSIGHTS_NO_INSIGHTS)) {
      vs.setAnalyticsPolicy(
          io.gatehouse.api.policy.v1.AnalyticsPolicy.newBuilder().setClientInsights(kept));
      assertThat(fields(new VirtualServiceKind(), vs.build(), "virtual_service")).isEmpty();
    }
    vs.setAnalyticsPolicy(
        io.gatehouse.api.policy.v1.AnalyticsPolicy.newBuilder()
            .setClientInsights(io.gatehouse.api.policy.v1.ClientInsights.CLIENT_INSIGHTS_ACTIVE));
    assertThat(fields(new VirtualServiceKind(), vs.build(), "virtual_service"))
        .containsExactly("virtual_service.analytics_policy.client_insights");
    vs.setAnalyticsPolicy(
        io.gatehouse.api.policy.v1.AnalyticsPolicy.newBuilder().setClientInsightsValue(9));
    assertThat(fields(new VirtualServiceKind(), vs.build(), "virtual_service"))
        .containsExactly("virtual_service.analytics_policy.client_insights");
  }

  @Test
  void aChildServiceClaimsHostNamesAndHoldsNoListenerSettings() {
    io.gatehouse.api.policy.v1.VirtualService child =
        io.gatehouse.api.policy.v1.VirtualService.newBuilder()
            .setMeta(io.gatehouse.api.policy.v1.ObjectMeta.newBuilder().setName("shop"))
            .setPoolRef("shop")
            .setVhParentVsRef("front")
            .addVhDomainNames("shop.example.com")
            .addVhDomainNames("Shop.Example.com")
            .addVhDomainNames("*.*.example.com")
            .addVhDomainNames("shop.example.com")
            .setVhPathPrefix("api")
            .addServices(io.gatehouse.api.policy.v1.Service.newBuilder().setPort(80))
            .setNetworkSecurityPolicyRef("office")
            .build();

    assertThat(fields(new VirtualServiceKind(), child, "virtual_service"))
        .containsExactlyInAnyOrder(
            "virtual_service.services",
            "virtual_service.network_security_policy_ref",
            "virtual_service.vh_domain_names[1]",
            "virtual_service.vh_domain_names[2]",
            "virtual_service.vh_domain_names[3]",
            "virtual_service.vh_path_prefix");
    assertThat(
            fields(
                new VirtualServiceKind(),
                child.toBuilder()
                    .clearVhDomainNames()
                    .clearServices()
                    .clearNetworkSecurityPolicyRef()
                    .setVhPathPrefix("/api/v1")
                    .build(),
                "virtual_service"))
        .containsExactly("virtual_service.vh_domain_names");
    assertThat(VirtualHosts.isDomainName("*.example.com")).isTrue();
    assertThat(VirtualHosts.isDomainName("-bad.example.com")).isFalse();
  }

  @Test
  void rateLimitsNothingCouldApplyAreRefused() {
    io.gatehouse.api.policy.v1.VirtualService udp =
        io.gatehouse.policy.Fixtures.eastWest("dns", "pool", 10053).toBuilder()
            .setServices(
                0,
                io.gatehouse.api.policy.v1.Service.newBuilder()
                    .setPort(10053)
                    .setProtocol(io.gatehouse.api.policy.v1.Protocol.PROTOCOL_UDP))
            .setRateLimits(
                io.gatehouse.api.policy.v1.RateLimits.newBuilder()
                    .setRequestsPerSecond(10)
                    .setClientRequestsPerSecond(1)
                    .setMaxConcurrentConnections(5))
            .build();

    assertThat(fields(new VirtualServiceKind(), udp, "virtual_service"))
        .containsExactlyInAnyOrder(
            "virtual_service.rate_limits.requests_per_second",
            "virtual_service.rate_limits.client_requests_per_second",
            "virtual_service.rate_limits.max_concurrent_connections");
    assertThat(
            fields(
                new VirtualServiceKind(),
                io.gatehouse.policy.Fixtures.eastWest("web", "pool", 10080).toBuilder()
                    .setRateLimits(io.gatehouse.api.policy.v1.RateLimits.newBuilder().setBurst(5))
                    .build(),
                "virtual_service"))
        .containsExactly("virtual_service.rate_limits.burst");
  }

  @Test
  void onlyAChildClaimsHostNames() {
    io.gatehouse.api.policy.v1.VirtualService plain =
        io.gatehouse.policy.Fixtures.eastWest("plain", "pool", 10001).toBuilder()
            .addVhDomainNames("plain.example.com")
            .setVhPathPrefix("/x")
            .build();

    assertThat(fields(new VirtualServiceKind(), plain, "virtual_service"))
        .containsExactlyInAnyOrder(
            "virtual_service.vh_domain_names", "virtual_service.vh_path_prefix");
  }

  private static <T extends com.google.protobuf.Message> List<String> fields(
      PolicyKind<T> kind, T object, String root) {
    Violations v = Violations.at(root);
    kind.validate(object, v);
    return v.list().stream().map(FieldViolation::field).toList();
  }
}
