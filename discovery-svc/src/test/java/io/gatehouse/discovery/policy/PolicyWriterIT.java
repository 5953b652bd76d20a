package io.gatehouse.discovery.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.policy.v1.ListFilter;
import io.gatehouse.api.policy.v1.ListPoolsRequest;
import io.gatehouse.api.policy.v1.ListVirtualServicesRequest;
import io.gatehouse.api.policy.v1.ObjectSource;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.discovery.apps.AppModel;
import io.gatehouse.discovery.labels.LabelError;
import io.gatehouse.discovery.labels.ProxySettings;
import io.gatehouse.discovery.labels.ProxyTranslator;
import io.gatehouse.discovery.marathon.MarathonClient;
import io.gatehouse.discovery.marathon.MarathonFollower;
import io.gatehouse.sim.Simulator;
import io.gatehouse.sim.SimulatorConfig;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Label-derived objects written to a real policy-svc process on a real PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyWriterIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String OPERATOR = PolicyServiceProcess.OPERATOR;
  private static final String DISCOVERY = PolicyServiceProcess.DISCOVERY;

  private PolicyServiceProcess policySvc;
  private Simulator sim;
  private MarathonFollower follower;
  private PolicyWriter writer;
  private ManagedChannel channel;
  private final AppModel model = new AppModel(1000);

  @BeforeAll
  void start() throws Exception {
    policySvc = PolicyServiceProcess.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", policySvc.port()).usePlaintext().build();
    sim = Simulator.start(SimulatorConfig.forTests(true, Files.createTempDirectory("writer-it")));
    follower =
        new MarathonFollower(
                "default",
                new MarathonClient(MarathonClient.Endpoint.of(sim.marathonUrl())),
                model,
                MarathonFollower.Settings.defaults(),
                Clock.systemUTC())
            .start();
    writer =
        new PolicyWriter(
                "default",
                model,
                new ProxyTranslator(new ProxySettings(Set.of(80, 8080), 1, 65535)),
                authorized(DISCOVERY),
                Duration.ofMillis(100))
            .start();
  }

  @AfterAll
  void stop() {
    writer.close();
    follower.close();
    sim.close();
    channel.shutdownNow();
    policySvc.close();
  }

  @Test
  void anAppsObjectsAppearInPolicyOwnedByTheAppAndGoWithIt() throws Exception {
    sim()
        .post(
            "/v2/apps",
            "{\"id\": \"/shop/web\", \"instances\": 1, \"cmd\": \"serve\", \"portDefinitions\": [{\"port\": 10101}],"
                + " \"labels\": {\"avi_proxy\": \"{\\\"pool\\\": {\\\"lb_algorithm\\\": \\\"LB_ALGORITHM_ROUND_ROBIN\\\"}}\"}}");

    await().atMost(WAIT).until(() -> services("/shop/web").size() == 1);
    VirtualService vs = services("/shop/web").get(0);
    assertThat(vs.getMeta().getName()).isEqualTo("shop/web/10101");
    assertThat(vs.getEastWest()).isTrue();
    assertThat(vs.getMeta().getSource().getMarathonAppId()).isEqualTo("/shop/web");
    assertThat(
            operator()
                .listPools(ListPoolsRequest.newBuilder().setFilter(byApp("/shop/web")).build())
                .getPools(0)
                .getLbAlgorithmValue())
        .isEqualTo(1);

    sim().delete("/v2/apps/shop/web?force=true"); // even while its deployment runs

    await()
        .atMost(WAIT)
        .until(
            () ->
                services("/shop/web").isEmpty()
                    && operator()
                            .listPools(
                                ListPoolsRequest.newBuilder().setFilter(byApp("/shop/web")).build())
                            .getPoolsCount()
                        == 0);
  }

  @Test
  void aVipTakenByAnotherAppIsReportedOnTheLaterAppOnlyAndABadLabelWritesNothing()
      throws Exception {
    String vip =
        "{\\\"virtualservice\\\": {\\\"ip_address\\\": {\\\"addr\\\": \\\"10.9.9.9\\\"}, \\\"services\\\": [{\\\"port\\\": 80}]}}";
    sim()
        .post(
            "/v2/apps",
            "{\"id\": \"/first\", \"instances\": 1, \"cmd\": \"serve\", \"portDefinitions\": [{\"port\": 10201}],"
                + " \"labels\": {\"FE-Proxy\": \"yes\", \"avi_proxy\": \""
                + vip
                + "\"}}");
    await().atMost(WAIT).until(() -> services("/first").size() == 1);
    sim()
        .post(
            "/v2/apps",
            "{\"id\": \"/second\", \"instances\": 1, \"cmd\": \"serve\", \"portDefinitions\": [{\"port\": 10202}],"
                + " \"labels\": {\"FE-Proxy\": \"yes\", \"avi_proxy\": \""
                + vip
                + "\"}}");
    sim()
        .post(
            "/v2/apps",
            "{\"id\": \"/broken\", \"instances\": 1, \"cmd\": \"serve\", \"portDefinitions\": [{\"port\": 10203}],"
                + " \"labels\": {\"avi_proxy\": \"{not json\"}}");

    await().atMost(WAIT).until(() -> !writer.rejected("/second").isEmpty());
    LabelError conflict = writer.rejected("/second").get(0);
    assertThat(conflict.code()).isEqualTo("VIP_CONFLICT");
    assertThat(conflict.message()).contains("10.9.9.9:80").contains("first");
    assertThat(services("/first")).hasSize(1);
    assertThat(services("/second")).isEmpty();
    assertThat(services("/broken")).isEmpty();
    await().atMost(WAIT).until(() -> writer.failing().containsKey("/broken"));
    assertThat(writer.failing()).containsOnlyKeys("/second", "/broken");
    assertThat(writer.failingApps()).isEqualTo(2);

    // a fixed label leaves the failing set
    sim().put("/v2/apps/broken", "{\"labels\": {\"avi_proxy\": \"{}\"}}");
    await().atMost(WAIT).until(() -> !writer.failing().containsKey("/broken"));
    await().atMost(WAIT).until(() -> services("/broken").size() == 1);
  }

  @Test
  void aBlueGreenDeploymentSharesItsListenerByInstancesAndHandsItToTheNewerApp() {
    sim().post("/v2/apps", zddApp("green", 3, 10301, "2026-12-04T10:00:00"));
    await().atMost(WAIT).until(() -> services("/zdd/web-green").size() == 1);
    assertThat(services("/zdd/web-green").get(0).getMeta().getName()).isEqualTo("zdd/web/10300");

    sim().post("/v2/apps", zddApp("blue", 1, 10302, "2026-12-04T11:00:00.123456"));
    await().atMost(WAIT).until(() -> greenShare() == 25); // the newer app has 1 of 4 instances
    assertThat(pool("zdd/web-green/10301").getAbPool().getPoolRef())
        .isEqualTo("zdd/web-blue/10302");
    assertThat(services("/zdd/web-blue")).isEmpty();

    sim().put("/v2/apps/zdd/web-blue", "{\"instances\": 3}");
    await().atMost(WAIT).until(() -> greenShare() == 50);

    sim().delete("/v2/apps/zdd/web-green?force=true");
    await()
        .atMost(WAIT)
        .until(
            () ->
                services("/zdd/web-blue").size() == 1
                    && services("/zdd/web-blue").get(0).getPoolRef().equals("zdd/web-blue/10302"));
    assertThat(services("/zdd/web-blue").get(0).getMeta().getName()).isEqualTo("zdd/web/10300");
    await().atMost(WAIT).until(() -> services("/zdd/web-green").isEmpty());
    assertThat(writer.failing()).doesNotContainKeys("/zdd/web-green", "/zdd/web-blue");
  }

  /** The older app's share to the newer one; -1 before the pair is written. */
  private int greenShare() {
    io.gatehouse.api.policy.v1.Pool green = pool("zdd/web-green/10301");
    return green == null || !green.hasAbPool() ? -1 : green.getAbPool().getRatio();
  }

  private io.gatehouse.api.policy.v1.Pool pool(String name) {
    try {
      return operator()
          .getPool(io.gatehouse.api.policy.v1.GetPoolRequest.newBuilder().setName(name).build());
    } catch (io.grpc.StatusRuntimeException notYet) {
      return null;
    }
  }

  /** An app of zdd's pair for marathon-lb: group "web" in /zdd, listening on 10300. */
  private static String zddApp(String colour, int instances, int servicePort, String startedAt) {
    return ("{\"id\": \"/zdd/web-%s\", \"instances\": %d, \"cmd\": \"serve\","
            + " \"portDefinitions\": [{\"port\": %d}], \"labels\": {\"HAPROXY_GROUP\": \"internal\","
            + " \"HAPROXY_0_PORT\": \"10300\", \"HAPROXY_DEPLOYMENT_GROUP\": \"web\","
            + " \"HAPROXY_DEPLOYMENT_COLOUR\": \"%s\", \"HAPROXY_DEPLOYMENT_ALT_PORT\": \"10302\","
            + " \"HAPROXY_DEPLOYMENT_STARTED_AT\": \"%s\"}}")
        .formatted(colour, instances, servicePort, colour, startedAt);
  }

  private List<VirtualService> services(String appId) {
    return operator()
        .listVirtualServices(
            ListVirtualServicesRequest.newBuilder().setFilter(byApp(appId)).build())
        .getVirtualServicesList();
  }

  private static ListFilter byApp(String appId) {
    return ListFilter.newBuilder()
        .setSource(
            ObjectSource.newBuilder()
                .setKind(ObjectSource.Kind.KIND_MARATHON_APP)
                .setMarathonAppId(appId))
        .build();
  }

  private PolicyServiceGrpc.PolicyServiceBlockingStub operator() {
    return PolicyServiceGrpc.newBlockingStub(authorized(OPERATOR))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private io.grpc.Channel authorized(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private io.gatehouse.discovery.SimClient sim() {
    return new io.gatehouse.discovery.SimClient(sim.marathonUrl());
  }
}
