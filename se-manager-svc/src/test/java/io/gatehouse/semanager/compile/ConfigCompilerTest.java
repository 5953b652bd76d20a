package io.gatehouse.semanager.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.Endpoint;
import io.gatehouse.api.discovery.v1.Task;
import io.gatehouse.api.policy.v1.MarathonAppMembers;
import io.gatehouse.api.policy.v1.NetworkSecurityAction;
import io.gatehouse.api.policy.v1.NetworkSecurityMatch;
import io.gatehouse.api.policy.v1.NetworkSecurityPolicy;
import io.gatehouse.api.policy.v1.NetworkSecurityRule;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Server;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.StaticServers;
import io.gatehouse.api.policy.v1.Vip;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.semanager.push.ResourceSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigCompilerTest {
  private static final ConfigCompiler.Engine EDGE = new ConfigCompiler.Engine("edge", "0.0.0.0");
  private static final ConfigCompiler.Engine INNER =
      new ConfigCompiler.Engine("default", "0.0.0.0");

  private static ObjectMeta meta(String name) {
    return ObjectMeta.newBuilder().setName(name).build();
  }

  private static VirtualService eastWest(String name, int port, String pool) {
    return VirtualService.newBuilder()
        .setMeta(meta(name))
        .setEastWest(true)
        .addServices(Service.newBuilder().setPort(port).setProtocol(Protocol.PROTOCOL_HTTP))
        .setPoolRef(pool)
        .build();
  }

  private static VirtualService northSouth(String name, String vip, String group, String pool) {
    return VirtualService.newBuilder()
        .setMeta(meta(name))
        .setVip(Vip.newBuilder().setEffectiveAddress(vip))
        .addServices(Service.newBuilder().setPort(80).setProtocol(Protocol.PROTOCOL_HTTP))
        .setSeGroupRef(group)
        .setPoolRef(pool)
        .build();
  }

  private static Pool staticPool(String name) {
    return Pool.newBuilder()
        .setMeta(meta(name))
        .setStaticServers(
            StaticServers.newBuilder()
                .addServers(Server.newBuilder().setIpAddress("10.0.0.5").setPort(8080))
                .addServers(
                    Server.newBuilder().setIpAddress("10.0.0.6").setPort(8080).setEnabled(false)))
        .build();
  }

  private static Pool appPool(String name, String appId) {
    return Pool.newBuilder()
        .setMeta(meta(name))
        .setMarathonApp(MarathonAppMembers.newBuilder().setAppId(appId).setPortIndex(0))
        .build();
  }

  private static App app(String id, String... taskAddresses) {
    App.Builder app = App.newBuilder().setId(id);
    int n = 0;
    for (String address : taskAddresses) {
      app.addTasks(
          Task.newBuilder()
              .setId(id.substring(1) + "." + n++)
              .setAgentId("agent-" + n)
              .setRoutable(true)
              .addEndpoints(
                  Endpoint.newBuilder().setPortIndex(0).setAddress(address).setPort(31000 + n)));
    }
    app.addTasks(
        Task.newBuilder()
            .setId("not-ready")
            .setRoutable(false)
            .addEndpoints(Endpoint.newBuilder().setAddress("10.9.9.9").setPort(1)));
    return app.build();
  }

  private static PolicyView policy(
      List<VirtualService> services, List<Pool> pools, List<NetworkSecurityPolicy> nsps) {
    return policy(services, pools, nsps, List.of());
  }

  private static PolicyView policy(
      List<VirtualService> services,
      List<Pool> pools,
      List<NetworkSecurityPolicy> nsps,
      List<io.gatehouse.api.policy.v1.HttpPolicySet> httpPolicySets) {
    return new PolicyView(
        services.stream()
            .collect(java.util.stream.Collectors.toMap(v -> v.getMeta().getName(), v -> v)),
        pools.stream()
            .collect(java.util.stream.Collectors.toMap(p -> p.getMeta().getName(), p -> p)),
        Map.of(),
        nsps.stream()
            .collect(java.util.stream.Collectors.toMap(p -> p.getMeta().getName(), p -> p)),
        Map.of(),
        Map.of(),
        httpPolicySets.stream()
            .collect(java.util.stream.Collectors.toMap(p -> p.getMeta().getName(), p -> p)));
  }

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

  /** Denies every client but the tasks of the app /frontend. */
  private static NetworkSecurityPolicy onlyFrontends() {
    return NetworkSecurityPolicy.newBuilder()
        .setMeta(meta("only-frontends"))
        .setDefaultAction(NetworkSecurityAction.NETWORK_SECURITY_ACTION_DENY)
        .addRules(
            NetworkSecurityRule.newBuilder()
                .setIndex(1)
                .setAction(NetworkSecurityAction.NETWORK_SECURITY_ACTION_ALLOW)
                .setMatch(NetworkSecurityMatch.newBuilder().addClientMarathonApps("/frontend")))
        .build();
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
  void whenOnlyAppsChangeOnlyWhatDependsOnThemIsCompiledAgainAndTheResultIsAFreshCompilers() {
    NetworkSecurityPolicy onlyFrontends = onlyFrontends();
    PolicyView policy =
        policy(
            List.of(
                eastWest("db", 15432, "db").toBuilder()
                    .setNetworkSecurityPolicyRef("only-frontends")
                    .build(),
                eastWest("web", 10080, "web"),
                eastWest("static", 10081, "static")),
            List.of(appPool("db", "/db"), appPool("web", "/web"), staticPool("static")),
            List.of(onlyFrontends));
    java.util.Random random = new java.util.Random(7);
    Map<String, App> apps = new java.util.HashMap<>();
    for (String id : List.of("/db", "/web", "/frontend")) {
      apps.put(id, app(id, "10.1.0.1"));
    }
    ConfigCompiler following = new ConfigCompiler();
    AppView view = AppView.of(apps.values());
    ResourceSet before = following.compile(policy, view, INNER);
    for (int change = 0; change < 40; change++) {
      // one app changes its tasks; the others stay the same objects, as the app follower keeps them
      String id = List.of("/db", "/web", "/frontend").get(random.nextInt(3));
      String[] addresses = new String[random.nextInt(4)];
      for (int i = 0; i < addresses.length; i++) {
        addresses[i] = "10.1." + change + "." + i;
      }
      apps.put(id, app(id, addresses));
      // the follower's views name what changed since the last one; others name nothing
      view =
          change % 2 == 0
              ? view.next(apps.values(), java.util.Set.of(AppView.key("", id)))
              : AppView.of(apps.values());
      following.nextChange();
      ResourceSet after = following.compile(policy, view, INNER);
      // what changed, as the push finds it, is what a full comparison finds
      ResourceSet.Changes changes = after.changesSince(before);
      ResourceSet.Changes compared = copyOf(after).changesSince(before);
      for (ResourceType type : ResourceSet.APPLY_ORDER) {
        assertThat(changes.upserted(type))
            .as("change %d, %s", change, type)
            .containsExactlyInAnyOrderElementsOf(compared.upserted(type));
        assertThat(changes.removed(type))
            .containsExactlyInAnyOrderElementsOf(compared.removed(type));
      }

      ResourceSet fresh = new ConfigCompiler().compile(policy, view, INNER);
      for (ResourceType type : ResourceSet.APPLY_ORDER) {
        assertThat(after.ofType(type))
            .as("change %d, %s", change, type)
            .isEqualTo(fresh.ofType(type));
      }
      // what does not depend on the changed app is the very object compiled before
      assertThat(after.ofType(ResourceType.RESOURCE_TYPE_POOL).get("static"))
          .isSameAs(before.ofType(ResourceType.RESOURCE_TYPE_POOL).get("static"));
      assertThat(after.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE).get("web"))
          .isSameAs(before.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE).get("web"));
      if (!id.equals("/web")) {
        assertThat(after.ofType(ResourceType.RESOURCE_TYPE_POOL).get("web"))
            .isSameAs(before.ofType(ResourceType.RESOURCE_TYPE_POOL).get("web"));
      }
      before = after;
    }
  }

  /** The same resources in a set that knows nothing of where it comes from. */
  private static ResourceSet copyOf(ResourceSet set) {
    Map<ResourceType, List<io.gatehouse.api.semanager.v1.Resource>> byType =
        new java.util.EnumMap<>(ResourceType.class);
    for (ResourceType type : ResourceSet.APPLY_ORDER) {
      byType.put(type, List.copyOf(set.ofType(type).values()));
    }
    return ResourceSet.of(byType);
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
