package io.gatehouse.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StaticConfigFileTest {
  private static final String FILE =
      """
      virtual_services:
        - name: web
          listeners: [{address: 127.0.0.1, port: 10080}]
          pool: web-pool
        - name: db
          listeners: [{port: 15432, protocol: TCP}]
          security_policy: app-servers-only
        - name: blog
          virtual_host: {parent: web, domain_names: [blog.example.com, "*.blog.example.com"]}
          pool: web-pool
        - name: blog-api
          virtual_host: {parent: web, domain_names: [blog.example.com], path_prefix: /api}
          pool: web-pool
      pools:
        - name: web-pool
          algorithm: LEAST_CONNECTIONS
          connect_timeout: 500ms
          draining_timeout: 5s
          eject_after_5xx: 3
          member_protocol: H2C
          health_monitors:
            - {type: HTTP, path: /ready, method: HEAD, host_header: web.example.com,
               expected_status: [{begin: 200, end: 204}], port: 8081}
            - {type: TCP, send: "PING\\r\\n", expect: "+PONG"}
            - {type: GRPC, grpc_service: shop.Cart}
          endpoints:
            - {address: 10.0.0.5, port: 31001}
            - {address: 10.0.0.6, port: 31002, weight: 3}
        - name: db
          endpoints: [{address: 10.0.0.7, port: 5432}]
      security_policies:
        - name: app-servers-only
          default_action: DENY
          rules: [{index: 1, name: apps, action: ALLOW, client_cidrs: [10.0.1.0/24, 10.0.2.7]}]
      """;

  @Test
  void aFileBecomesAConfigurationWithItsDefaults() {
    EngineConfig config = StaticConfigFile.parse(FILE);

    VirtualServiceConfig web = config.virtualServices().get("web");
    assertThat(web.listeners())
        .containsExactly(new ListenerConfig("127.0.0.1", 10080, Protocol.HTTP));
    assertThat(web.pool()).isEqualTo("web-pool");
    VirtualServiceConfig db = config.virtualServices().get("db");
    assertThat(db.listeners()).containsExactly(new ListenerConfig("0.0.0.0", 15432, Protocol.TCP));
    assertThat(db.pool()).isEqualTo("db"); // a pool named like the service by default

    PoolConfig pool = config.pools().get("web-pool");
    assertThat(pool.algorithm()).isEqualTo(LbAlgorithm.LEAST_CONNECTIONS);
    assertThat(pool.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(pool.endpoints())
        .containsExactly(
            new EndpointConfig("10.0.0.5", 31001, 1), new EndpointConfig("10.0.0.6", 31002, 3));
    assertThat(config.pools().get("db").algorithm()).isEqualTo(LbAlgorithm.ROUND_ROBIN);
    assertThat(config.pools().get("db").connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(pool.drainingTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(pool.ejectAfter5xx()).isEqualTo(3);
    assertThat(pool.healthMonitors()).hasSize(3);
    assertThat(pool.healthMonitors().get(2).grpcService()).isEqualTo("shop.Cart");
    HealthMonitorConfig ready = pool.healthMonitors().get(0);
    assertThat(ready.method()).isEqualTo("HEAD");
    assertThat(ready.port()).isEqualTo(8081);
    assertThat(ready.passes(204)).isTrue();
    assertThat(ready.passes(301)).isFalse();
    assertThat(pool.healthMonitors().get(1).send()).isEqualTo("PING\r\n");
    assertThat(config.pools().get("db").drainingTimeout()).isEqualTo(Duration.ofSeconds(30));

    assertThat(db.securityPolicy()).isEqualTo("app-servers-only");
    assertThat(web.securityPolicy()).isNull();
    SecurityPolicyConfig policy = config.securityPolicies().get("app-servers-only");
    assertThat(policy.defaultAction()).isEqualTo(SecurityPolicyConfig.Action.DENY);
    assertThat(policy.rules())
        .containsExactly(
            new SecurityPolicyConfig.Rule(
                1,
                "apps",
                SecurityPolicyConfig.Action.ALLOW,
                java.util.List.of("10.0.1.0/24", "10.0.2.7")));
  }

  @Test
  void aDocumentOfTheWrongShapeIsRefusedAsTheFile() {
    // found by StaticConfigFuzzTest: a top-level list has no path, and the refusal named no field
    assertThatThrownBy(() -> StaticConfigFile.parse("- a\n- b"))
        .isInstanceOf(InvalidConfigException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigException) e).violations())
                    .extracting(InvalidConfigException.Violation::field)
                    .containsExactly("(file)"));
  }

  @Test
  void aBadRangeOrAnUnknownPolicyIsNamed() {
    assertThatThrownBy(
            () ->
                StaticConfigFile.parse(
                    """
                    virtual_services: [{name: web, listeners: [{port: 10080}], pool: p, security_policy: nope}]
                    pools: [{name: p}]
                    security_policies:
                      - {name: bad, rules: [{index: 1, action: DENY, client_cidrs: [10.0.0.0/40]}]}
                    """))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.violations())
                    .extracting(InvalidConfigException.Violation::field)
                    .containsExactlyInAnyOrder(
                        "virtual_services.web.security_policy",
                        "security_policies.bad.rules[rule-1].client_cidrs"));
  }

  @Test
  void whatAnEngineRunsCanBeWrittenOutAndReadBackUnchanged() throws Exception {
    EngineConfig config = StaticConfigFile.parse(FILE);
    String written = new ObjectMapper().writeValueAsString(StaticConfigFile.render(config));

    assertThat(StaticConfigFile.parse(written)).isEqualTo(config);
    assertThat(config.pools().get("web-pool").memberProtocol()).isEqualTo(MemberProtocol.H2C);
  }

  @Test
  void memberTlsIsReadAndWrittenBackSoARestartedEngineKeepsIt(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    var client = io.gatehouse.testsupport.TestCertificates.ec("engine-client");
    java.nio.file.Files.writeString(dir.resolve("client.crt"), client.certificate());
    java.nio.file.Files.writeString(dir.resolve("client.key"), client.privateKey());
    java.nio.file.Files.writeString(dir.resolve("ca.crt"), "CA");
    String yaml =
        """
        virtual_services:
          - name: api
            listeners: [{port: 10443}]
        certificates:
          - {name: engine-client, certificate_file: client.crt, key_file: client.key}
        pools:
          - name: api
            member_protocol: H2
            member_tls: {ca_file: ca.crt, server_name: api.internal,
                         client_certificate: engine-client}
            endpoints: [{address: 10.0.0.8, port: 8443, hostname: api-1.internal}]
        """;
    EngineConfig config = StaticConfigFile.parse(yaml, dir);
    assertThat(config.pools().get("api").memberTls())
        .isEqualTo(new MemberTlsConfig("CA", "api.internal", "engine-client"));
    assertThat(config.pools().get("api").endpoints().get(0).hostname()).isEqualTo("api-1.internal");
    String written = new ObjectMapper().writeValueAsString(StaticConfigFile.render(config, true));
    assertThat(StaticConfigFile.parse(written)).isEqualTo(config);

    assertThatThrownBy(
            () -> StaticConfigFile.parse(yaml.replace("member_tls: {", "member_tlss: {"), dir))
        .isInstanceOf(InvalidConfigException.class);
    assertThatThrownBy(
            () ->
                StaticConfigFile.parse(
                    yaml.replace("[{port: 10443}]", "[{port: 10443, protocol: TCP}]"), dir))
        .hasMessageContaining("virtual_services.api.pool");
    String behindB =
        """
        virtual_services:
          - name: db
            listeners: [{port: 15432, protocol: TCP}]
        pools:
          - name: db
            ab_pool: {pool: db-tls, percent: 10}
            endpoints: [{address: 10.0.0.9, port: 5432}]
          - name: db-tls
            member_tls: {ca_file: ca.crt}
            endpoints: [{address: 10.0.0.10, port: 5432}]
        """;
    assertThatThrownBy(() -> StaticConfigFile.parse(behindB, dir))
        .hasMessageContaining("virtual_services.db.pool")
        .hasMessageContaining("the B pool of pool \"db\"");
  }

  @Test
  void childServicesNeedAnHttpParentAndClaimEachHostAndPathOnce() {
    assertThatThrownBy(
            () ->
                StaticConfigFile.parse(
                    """
                    virtual_services:
                      - {name: web, listeners: [{port: 10080}], pool: p}
                      - {name: db, listeners: [{port: 15432, protocol: TCP}], pool: p}
                      - name: a
                        virtual_host: {parent: web, domain_names: [a.example.com, A.example.com]}
                        pool: p
                      - name: b
                        virtual_host: {parent: web, domain_names: [a.example.com]}
                        listeners: [{port: 10081}]
                        pool: p
                      - {name: c, virtual_host: {parent: db, domain_names: [c.example.com]}, pool: p}
                      - {name: d, virtual_host: {parent: a, domain_names: [d.example.com]}, pool: p}
                      - {name: e, virtual_host: {parent: web, domain_names: [], path_prefix: x}, pool: p}
                    pools: [{name: p, endpoints: [{address: 10.0.0.5, port: 80}]}]
                    """))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.violations())
                    .extracting(InvalidConfigException.Violation::field)
                    .containsExactlyInAnyOrder(
                        "virtual_services.a.domain_names",
                        "virtual_services.b.listeners",
                        "virtual_services.b.domain_names",
                        "virtual_services.c.parent",
                        "virtual_services.d.parent",
                        "virtual_services.e.domain_names",
                        "virtual_services.e.path_prefix"));
  }

  @Test
  void everyMistakeNamesItsField() {
    assertThatThrownBy(
            () ->
                StaticConfigFile.parse(
                    """
                    virtual_services:
                      - name: web
                        listeners: [{port: 70000}]
                        pool: missing
                    pools:
                      - name: other
                        endpoints: [{address: 10.0.0.5, port: 80, weight: 0}]
                    """))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.violations())
                    .extracting(InvalidConfigException.Violation::field)
                    .containsExactlyInAnyOrder(
                        "virtual_services.web.pool",
                        "virtual_services.web.listeners[0].port",
                        "pools.other.endpoints[0].weight"));
  }

  @Test
  void unknownFieldsMissingPortsAndBadDurationsAreRefused() {
    assertThatThrownBy(() -> StaticConfigFile.parse("pools: [{name: p, algoritm: ROUND_ROBIN}]"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("algoritm");
    assertThatThrownBy(
            () -> StaticConfigFile.parse("pools: [{name: p, endpoints: [{address: 10.0.0.1}]}]"))
        .hasMessageContaining("pools.p.endpoints[].port: is required");
    assertThatThrownBy(() -> StaticConfigFile.parse("pools: [{name: p, connect_timeout: soon}]"))
        .hasMessageContaining("pools.p.connect_timeout: \"soon\" is not a duration");
  }

  @Test
  void twoServicesCannotShareASocket() {
    assertThatThrownBy(
            () ->
                StaticConfigFile.parse(
                    """
                    virtual_services:
                      - {name: a, listeners: [{port: 10080}], pool: p}
                      - {name: b, listeners: [{port: 10080}], pool: p}
                    pools: [{name: p}]
                    """))
        .hasMessageContaining("0.0.0.0:10080 is also a listener of virtual service");
  }
}
