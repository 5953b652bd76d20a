package io.gatehouse.semanager.compile;

import static io.gatehouse.semanager.compile.CompileFixtures.EDGE;
import static io.gatehouse.semanager.compile.CompileFixtures.INNER;
import static io.gatehouse.semanager.compile.CompileFixtures.app;
import static io.gatehouse.semanager.compile.CompileFixtures.appPool;
import static io.gatehouse.semanager.compile.CompileFixtures.eastWest;
import static io.gatehouse.semanager.compile.CompileFixtures.meta;
import static io.gatehouse.semanager.compile.CompileFixtures.northSouth;
import static io.gatehouse.semanager.compile.CompileFixtures.onlyFrontends;
import static io.gatehouse.semanager.compile.CompileFixtures.policy;
import static io.gatehouse.semanager.compile.CompileFixtures.staticPool;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.policy.v1.NetworkSecurityPolicy;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.semanager.push.ResourceSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigCompilerTest {
  @Test
  void eastWestServicesRunEverywhereAndNorthSouthOnesOnTheirGroupOnly() {
    PolicyView policy =
        policy(
            List.of(
                eastWest("mesh-api", 10001, "api"),
                northSouth("shop", "10.10.0.7", "edge", "shop")),
            List.of(staticPool("api"), staticPool("shop")),
            List.of());

    ResourceSet edge = new ConfigCompiler().compile(policy, AppView.of(List.of()), EDGE);
    ResourceSet inner = new ConfigCompiler().compile(policy, AppView.of(List.of()), INNER);

    assertThat(edge.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE))
        .containsOnlyKeys("mesh-api", "shop");
    assertThat(inner.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE))
        .containsOnlyKeys("mesh-api");
    assertThat(inner.ofType(ResourceType.RESOURCE_TYPE_POOL))
        .containsOnlyKeys("api"); // only what it needs
    Resource shop = edge.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE).get("shop");
    assertThat(shop.getVirtualService().getListeners(0).getAddress()).isEqualTo("10.10.0.7");
    Resource api = inner.ofType(ResourceType.RESOURCE_TYPE_POOL).get("api");
    assertThat(api.getPool().getEndpointsList())
        .singleElement()
        .satisfies(e -> assertThat(e.getAddress()).isEqualTo("10.0.0.5"));
  }

  @Test
  void appMembersAreTheRoutableTasksAndRuleAppsBecomeAddresses() {
    NetworkSecurityPolicy onlyFrontends = onlyFrontends();
    VirtualService db =
        eastWest("db", 15432, "db").toBuilder()
            .setNetworkSecurityPolicyRef("only-frontends")
            .build();
    PolicyView policy = policy(List.of(db), List.of(appPool("db", "/db")), List.of(onlyFrontends));
    AppView apps =
        AppView.of(List.of(app("/db", "10.1.0.1", "10.1.0.2"), app("/frontend", "10.2.0.9")));

    ResourceSet set = new ConfigCompiler().compile(policy, apps, INNER);

    var endpoints =
        set.ofType(ResourceType.RESOURCE_TYPE_POOL).get("db").getPool().getEndpointsList();
    assertThat(endpoints).extracting(e -> e.getAddress()).containsExactly("10.1.0.1", "10.1.0.2");
    assertThat(endpoints).allSatisfy(e -> assertThat(e.getAppId()).isEqualTo("/db"));
    var security =
        set.ofType(ResourceType.RESOURCE_TYPE_SECURITY_POLICY)
            .get("only-frontends")
            .getSecurityPolicy();
    assertThat(security.getAppAddressesOrThrow("/frontend").getAddressesList())
        .containsExactly("10.2.0.9");
  }

  @Test
  void aServiceWithAMissingReferenceOrDisabledIsLeftOutAndNothingElse() {
    PolicyView policy =
        policy(
            List.of(
                eastWest("ok", 10001, "api"),
                eastWest("orphan", 10002, "nope"),
                eastWest("off", 10003, "api").toBuilder().setEnabled(false).build()),
            List.of(staticPool("api")),
            List.of());

    ResourceSet set = new ConfigCompiler().compile(policy, AppView.of(List.of()), INNER);

    assertThat(set.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE)).containsOnlyKeys("ok");
  }

  @Test
  void childServicesGoWhereTheirParentGoesWithTheirOwnPools() {
    PolicyView policy =
        policy(
            List.of(
                northSouth("front", "10.10.0.7", "edge", "shop"),
                child("blog", "front", "blog", "blog.example.com"),
                child("orphan", "gone", "blog", "orphan.example.com"),
                child("broken", "front", "nope", "broken.example.com"),
                child("grandchild", "blog", "blog", "deep.example.com")),
            List.of(staticPool("shop"), staticPool("blog")),
            List.of());

    ResourceSet edge = new ConfigCompiler().compile(policy, AppView.of(List.of()), EDGE);
    ResourceSet inner = new ConfigCompiler().compile(policy, AppView.of(List.of()), INNER);

    assertThat(edge.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE))
        .containsOnlyKeys("front", "blog");
    assertThat(edge.ofType(ResourceType.RESOURCE_TYPE_POOL)).containsOnlyKeys("shop", "blog");
    var blog = edge.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE).get("blog");
    assertThat(blog.getVirtualService().getListenersList()).isEmpty();
    assertThat(blog.getVirtualService().getParent()).isEqualTo("front");
    assertThat(blog.getVirtualService().getDomainNamesList()).containsExactly("blog.example.com");
    assertThat(blog.getVirtualService().getPathPrefix()).isEqualTo("/blog");
    assertThat(inner.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE)).isEmpty();
  }

  @Test
  void aPoolsBPoolGoesWithIt() {
    Pool canaried =
        staticPool("shop").toBuilder()
            .setAbPool(
                io.gatehouse.api.policy.v1.AbPool.newBuilder().setPoolRef("shop-v2").setRatio(10))
            .build();
    PolicyView policy =
        policy(
            List.of(northSouth("front", "10.10.0.7", "edge", "shop")),
            List.of(canaried, staticPool("shop-v2")),
            List.of());

    ResourceSet edge = new ConfigCompiler().compile(policy, AppView.of(List.of()), EDGE);

    assertThat(edge.ofType(ResourceType.RESOURCE_TYPE_POOL)).containsOnlyKeys("shop", "shop-v2");
    assertThat(
            edge.ofType(ResourceType.RESOURCE_TYPE_POOL)
                .get("shop")
                .getPool()
                .getAbPool()
                .getRatio())
        .isEqualTo(10);
  }

  @Test
  void memberTlsGoesWithItsPoolAndItsClientCertificateAndWithoutTheKeyTheServiceIsLeftOut() {
    Pool tls =
        staticPool("orders").toBuilder()
            .setMemberProtocol(io.gatehouse.api.policy.v1.MemberProtocol.MEMBER_PROTOCOL_H2)
            .setMemberTls(
                io.gatehouse.api.policy.v1.MemberTls.newBuilder()
                    .setCaCertificatesPem("CA PEM")
                    .setServerName("orders.internal")
                    .setClientCertificateRef("engine-client"))
            .build();
    var client =
        io.gatehouse.api.policy.v1.SslKeyAndCertificate.newBuilder()
            .setMeta(meta("engine-client"))
            .setCertificatePem("CERT PEM")
            .setPrivateKeyPem("KEY PEM")
            .build();
    PolicyView withKey =
        new PolicyView(
            Map.of("front", northSouth("front", "10.10.0.7", "edge", "orders")),
            Map.of("orders", tls),
            Map.of(),
            Map.of(),
            Map.of("engine-client", client),
            Map.of(),
            Map.of());

    ResourceSet edge = new ConfigCompiler().compile(withKey, AppView.of(List.of()), EDGE);

    var pool = edge.ofType(ResourceType.RESOURCE_TYPE_POOL).get("orders").getPool();
    assertThat(pool.getMemberTls().getCaCertificatesPem()).isEqualTo("CA PEM");
    assertThat(pool.getMemberTls().getServerName()).isEqualTo("orders.internal");
    assertThat(pool.getMemberTls().getClientCertificate()).isEqualTo("engine-client");
    assertThat(edge.ofType(ResourceType.RESOURCE_TYPE_CERTIFICATE).get("engine-client"))
        .extracting(r -> r.getCertificate().getPrivateKeyPem())
        .isEqualTo("KEY PEM");

    PolicyView withoutKey =
        new PolicyView(
            withKey.virtualServices(),
            withKey.pools(),
            Map.of(),
            Map.of(),
            Map.of("engine-client", client.toBuilder().clearPrivateKeyPem().build()),
            Map.of(),
            Map.of());
    ResourceSet left = new ConfigCompiler().compile(withoutKey, AppView.of(List.of()), EDGE);
    assertThat(left.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE)).isEmpty();
    assertThat(left.ofType(ResourceType.RESOURCE_TYPE_POOL)).isEmpty();
  }

  private static VirtualService child(String name, String parent, String pool, String domain) {
    return VirtualService.newBuilder()
        .setMeta(meta(name))
        .setVhParentVsRef(parent)
        .addVhDomainNames(domain)
        .setVhPathPrefix("/" + name)
        .setPoolRef(pool)
        .build();
  }

  @Test
  void httpRulesGoInOrderWithThePoolsTheyChooseAndAMissingSetLeavesTheServiceOut() {
    var beta = io.gatehouse.api.policy.v1.HttpAction.newBuilder().setPoolRef("shop-beta");
    var set =
        io.gatehouse.api.policy.v1.HttpPolicySet.newBuilder()
            .setMeta(meta("edge-rules"))
            .addRules(io.gatehouse.api.policy.v1.HttpRule.newBuilder().setIndex(20).setName("late"))
            .addRules(
                io.gatehouse.api.policy.v1.HttpRule.newBuilder()
                    .setIndex(10)
                    .setName("beta")
                    .setAction(beta))
            .addRules(
                io.gatehouse.api.policy.v1.HttpRule.newBuilder()
                    .setIndex(5)
                    .setName("off")
                    .setEnabled(false))
            .build();
    Pool betaPool =
        staticPool("shop-beta").toBuilder()
            .setAbPool(
                io.gatehouse.api.policy.v1.AbPool.newBuilder()
                    .setPoolRef("shop-beta-2")
                    .setRatio(5))
            .build();
    VirtualService front =
        northSouth("front", "10.10.0.7", "edge", "shop").toBuilder()
            .addHttpPolicySetRefs("edge-rules")
            .build();
    VirtualService broken =
        northSouth("broken", "10.10.0.8", "edge", "shop").toBuilder()
            .addHttpPolicySetRefs("no-such-set")
            .build();
    PolicyView policy =
        policy(
            List.of(front, broken),
            List.of(staticPool("shop"), betaPool, staticPool("shop-beta-2")),
            List.of(),
            List.of(set));

    ResourceSet edge = new ConfigCompiler().compile(policy, AppView.of(List.of()), EDGE);

    assertThat(edge.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE)).containsOnlyKeys("front");
    assertThat(
            edge.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE)
                .get("front")
                .getVirtualService()
                .getHttpRulesList())
        .extracting(io.gatehouse.api.policy.v1.HttpRule::getName)
        .containsExactly("beta", "late");
    assertThat(edge.ofType(ResourceType.RESOURCE_TYPE_POOL))
        .containsOnlyKeys("shop", "shop-beta", "shop-beta-2");
  }

  @Test
  void compilingTheSameInputGivesTheSameVersions() {
    PolicyView policy =
        policy(List.of(eastWest("mesh-api", 10001, "api")), List.of(staticPool("api")), List.of());
    ResourceSet once = new ConfigCompiler().compile(policy, AppView.of(List.of()), INNER);
    ResourceSet again = new ConfigCompiler().compile(policy, AppView.of(List.of()), INNER);

    assertThat(again.ofType(ResourceType.RESOURCE_TYPE_POOL).get("api").getVersion())
        .isEqualTo(once.ofType(ResourceType.RESOURCE_TYPE_POOL).get("api").getVersion());
  }

  @Test
  void fullClientLogsEndTheirDurationAfterTheVirtualServiceWasWritten() {
    VirtualService.Builder vs = eastWest("web", 10001, "web").toBuilder();
    vs.getMetaBuilder()
        .setUpdateTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_800_000_000));
    io.gatehouse.api.policy.v1.FullClientLogs.Builder full =
        io.gatehouse.api.policy.v1.FullClientLogs.newBuilder().setEnabled(true);

    vs.getAnalyticsPolicyBuilder()
        .setFullClientLogs(
            full.setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(1800)));
    assertThat(ConfigCompiler.fullClientLogsUntil(vs.build()))
        .contains(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_800_001_800).build());

    vs.getAnalyticsPolicyBuilder()
        .setFullClientLogs(full.setDuration(com.google.protobuf.Duration.getDefaultInstance()));
    assertThat(ConfigCompiler.fullClientLogsUntil(vs.build())).as("no duration: no end").isEmpty();

    vs.getAnalyticsPolicyBuilder()
        .setFullClientLogs(
            full.setEnabled(false)
                .setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(1800)));
    assertThat(ConfigCompiler.fullClientLogsUntil(vs.build())).as("off").isEmpty();
  }
}
