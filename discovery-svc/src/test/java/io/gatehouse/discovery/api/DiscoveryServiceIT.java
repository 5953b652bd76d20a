package io.gatehouse.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.rpc.ErrorInfo;
import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.AppKey;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.EventStreamState;
import io.gatehouse.api.discovery.v1.GetAppRequest;
import io.gatehouse.api.discovery.v1.GetSyncStatusRequest;
import io.gatehouse.api.discovery.v1.ListAppsRequest;
import io.gatehouse.api.discovery.v1.ListAppsResponse;
import io.gatehouse.api.discovery.v1.ListNodesRequest;
import io.gatehouse.api.discovery.v1.MarathonSyncStatus;
import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.discovery.v1.ScaleAppRequest;
import io.gatehouse.api.discovery.v1.Task;
import io.gatehouse.api.discovery.v1.TestConnectionRequest;
import io.gatehouse.api.discovery.v1.TestConnectionResponse;
import io.gatehouse.api.discovery.v1.WatchAppsRequest;
import io.gatehouse.api.discovery.v1.WatchAppsResponse;
import io.gatehouse.api.discovery.v1.WatchNodesRequest;
import io.gatehouse.api.discovery.v1.WatchNodesResponse;
import io.gatehouse.sim.Simulator;
import io.gatehouse.sim.SimulatorConfig;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** discovery-svc over a real gRPC channel, following a marathon-sim in the same JVM. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscoveryServiceIT implements TestPropertyProvider {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String APP =
      """
      {"id": "%s", "instances": %d, "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server",
       "network": "BRIDGE", "portMappings": [{"containerPort": 80, "hostPort": 0, "servicePort": 0}]}},
       "healthChecks": [{"protocol": "HTTP", "path": "/", "portIndex": 0, "maxConsecutiveFailures": 0}]}
      """;

  static final String OPERATOR = "test-operator-token-0001";
  static final String SE_MANAGER = "test-se-manager-token-0001";
  static final String ANALYTICS = "test-analytics-token-0001";

  @Inject GrpcEmbeddedServer server;

  @Inject
  @Client("/")
  HttpClient management;

  private Simulator sim;
  private ManagedChannel rawChannel;
  private Channel channel; // as the operator

  @Override
  public Map<String, String> getProperties() {
    try {
      sim =
          Simulator.start(
              SimulatorConfig.forTests(true, Files.createTempDirectory("discovery-it")));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Map.of(
        "gatehouse.discovery.marathons.default.url", sim.marathonUrl(),
        "gatehouse.discovery.mesos.url", sim.mesosUrl(),
        "gatehouse.discovery.mesos.poll-interval", "200ms");
  }

  @BeforeAll
  void connect() {
    rawChannel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    channel = as(OPERATOR);
  }

  @AfterAll
  void stop() {
    rawChannel.shutdownNow();
    sim.close();
  }

  @Test
  void watchAppsStartsWithASnapshotThenSendsAppsAndSmallTaskRemovals() throws Exception {
    List<WatchAppsResponse> seen = new CopyOnWriteArrayList<>();
    DiscoveryServiceGrpc.newStub(channel)
        .watchApps(WatchAppsRequest.getDefaultInstance(), collect(seen));
    await().atMost(WAIT).until(() -> !seen.isEmpty());
    assertThat(seen.get(0).getSnapshot()).isTrue();
    assertThat(seen.get(0).getSnapshotComplete()).isTrue(); // a small snapshot is one message

    sim().post("/v2/apps", APP.formatted("/watched", 2));
    await().atMost(WAIT).until(() -> routable(latest(seen, "/watched")) == 2);

    App app = latest(seen, "/watched");
    assertThat(app.getPorts(0).getServicePort()).isBetween(10000, 20000);
    Task victim = app.getTasks(0);
    assertThat(victim.getEndpoints(0).getAddress()).isEqualTo(victim.getHost());
    sim().delete("/v2/apps/watched/tasks/" + victim.getId());

    await()
        .atMost(WAIT)
        .until(
            () ->
                seen.stream()
                    .anyMatch(
                        r ->
                            r.getTaskChangesList().stream()
                                .anyMatch(c -> c.getRemovedTaskId().equals(victim.getId()))));
    WatchAppsResponse removal =
        seen.stream().filter(r -> r.getTaskChangesCount() > 0).findFirst().orElseThrow();
    assertThat(removal.getAppsCount()).isZero();
    assertThat(removal.hasCauseTime()).isTrue();
  }

  @Test
  void appsAreListedAndReadWithTheirTasks() throws Exception {
    sim().post("/v2/apps", APP.formatted("/listed/web", 1));

    await()
        .atMost(WAIT)
        .until(
            () ->
                routable(stub().getApp(GetAppRequest.newBuilder().setAppId("/listed/web").build()))
                    == 1);
    List<App> apps =
        stub().listApps(ListAppsRequest.newBuilder().setIdPrefix("/listed/").build()).getAppsList();
    assertThat(apps).extracting(App::getId).containsExactly("/listed/web");
    assertThat(apps.get(0).getMarathonFramework()).isEqualTo("default");

    StatusRuntimeException missing =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub().getApp(GetAppRequest.newBuilder().setAppId("/nope").build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void scaleAppGoesThroughMarathonAndNeverForcesARunningDeployment() throws Exception {
    sim().post("/v2/apps", APP.formatted("/scaled", 1));
    await().atMost(WAIT).until(() -> settled("/scaled", 1));
    AppKey key = AppKey.newBuilder().setAppId("/scaled").build();

    String deployment =
        stub()
            .scaleApp(
                ScaleAppRequest.newBuilder().setApp(key).setInstances(2).setReason("test").build())
            .getDeploymentId();
    assertThat(deployment).isNotEmpty();
    await().atMost(WAIT).until(() -> settled("/scaled", 2));

    String taskId =
        stub().getApp(GetAppRequest.newBuilder().setAppId("/scaled").build()).getTasks(0).getId();
    sim().post("/sim/tasks/" + taskId + "/health?alive=false", "");
    stub()
        .scaleApp(
            ScaleAppRequest.newBuilder().setApp(key).setInstances(3).build()); // cannot finish now
    StatusRuntimeException locked =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub().scaleApp(ScaleAppRequest.newBuilder().setApp(key).setInstances(4).build()));
    assertThat(locked.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    ErrorInfo info = StatusProto.fromThrowable(locked).getDetails(0).unpack(ErrorInfo.class);
    assertThat(info.getReason()).isEqualTo("DEPLOYMENT_IN_PROGRESS");
    assertThat(info.getMetadataMap().get("deployment_id")).isNotEmpty();
  }

  @Test
  void aBadLabelIsReportedOnItsAppAndLeavesOtherAppsAlone() throws Exception {
    sim().post("/v2/apps", APP.formatted("/labels/good", 1));
    String bad =
        "{\"id\": \"/labels/bad\", \"instances\": 1, \"cmd\": \"serve\", \"portDefinitions\": [{\"port\": 0}],"
            + " \"labels\": {\"avi_proxy\": \"{\\\"virtualservice\\\": {\\\"colour\\\": \\\"blue\\\"}}\"}}";
    sim().post("/v2/apps", bad);

    await()
        .atMost(WAIT)
        .until(
            () ->
                stub()
                        .listApps(ListAppsRequest.newBuilder().setIdPrefix("/labels/").build())
                        .getAppsCount()
                    == 2);
    App badApp = stub().getApp(GetAppRequest.newBuilder().setAppId("/labels/bad").build());
    assertThat(badApp.getLabelErrorsList()).hasSize(1);
    assertThat(badApp.getLabelErrors(0).getField()).isEqualTo("virtualservice.colour");
    assertThat(badApp.getLabelErrors(0).getCode()).isEqualTo("UNKNOWN_FIELD");
    assertThat(badApp.getProxy().getProxied()).isFalse();
    App goodApp = stub().getApp(GetAppRequest.newBuilder().setAppId("/labels/good").build());
    assertThat(goodApp.getLabelErrorsList()).isEmpty();
    assertThat(goodApp.getProxy().getVirtualServicesList()).hasSize(1);
    assertThat(
            stub()
                .listApps(
                    ListAppsRequest.newBuilder()
                        .setIdPrefix("/labels/")
                        .setWithLabelErrorsOnly(true)
                        .build())
                .getAppsList())
        .extracting(App::getId)
        .containsExactly("/labels/bad");
  }

  @Test
  void appsAreListedInPagesInIdOrder() {
    for (String id : List.of("/paged/c", "/paged/a", "/paged/b")) {
      sim().post("/v2/apps", APP.formatted(id, 0));
    }
    ListAppsRequest first =
        ListAppsRequest.newBuilder().setIdPrefix("/paged/").setPageSize(2).build();
    await()
        .atMost(WAIT)
        .until(() -> stub().listApps(first.toBuilder().setPageSize(3).build()).getAppsCount() == 3);

    ListAppsResponse page1 = stub().listApps(first);
    assertThat(page1.getAppsList()).extracting(App::getId).containsExactly("/paged/a", "/paged/b");
    assertThat(page1.getNextPageToken()).isEqualTo("/paged/b");
    ListAppsResponse page2 =
        stub().listApps(first.toBuilder().setPageToken(page1.getNextPageToken()).build());
    assertThat(page2.getAppsList()).extracting(App::getId).containsExactly("/paged/c");
    assertThat(page2.getNextPageToken()).isEmpty();
  }

  @Test
  void callsNeedATokenAndOnlyOperatorsAndTheAutoscalerMayScale() throws Exception {
    StatusRuntimeException anonymous =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                DiscoveryServiceGrpc.newBlockingStub(rawChannel)
                    .listApps(ListAppsRequest.getDefaultInstance()));
    assertThat(anonymous.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

    sim().post("/v2/apps", APP.formatted("/authorized", 1));
    await().atMost(WAIT).until(() -> settled("/authorized", 1));
    ScaleAppRequest scale =
        ScaleAppRequest.newBuilder()
            .setApp(AppKey.newBuilder().setAppId("/authorized"))
            .setInstances(2)
            .setReason("test")
            .build();
    DiscoveryServiceGrpc.DiscoveryServiceBlockingStub seManager =
        DiscoveryServiceGrpc.newBlockingStub(as(SE_MANAGER));
    assertThat(seManager.listApps(ListAppsRequest.getDefaultInstance()).getAppsCount())
        .isPositive();
    StatusRuntimeException denied =
        catchThrowableOfType(StatusRuntimeException.class, () -> seManager.scaleApp(scale));
    assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

    DiscoveryServiceGrpc.newBlockingStub(as(ANALYTICS)).scaleApp(scale);
    await().atMost(WAIT).until(() -> settled("/authorized", 2));
  }

  @Test
  void metricsShowTheEventLagAndTheFollowedApps() throws Exception {
    sim().post("/v2/apps", APP.formatted("/measured", 1));
    await().atMost(WAIT).until(() -> settled("/measured", 1));

    String metrics = management.toBlocking().retrieve("/metrics");
    assertThat(metrics)
        .containsPattern(
            "gatehouse_discovery_event_lag_seconds_count\\{marathon=\"default\"} [1-9]");
    assertThat(metrics)
        .containsPattern("gatehouse_discovery_events_received_total\\{marathon=\"default\"} [1-9]");
    assertThat(metrics)
        .containsPattern("gatehouse_discovery_event_stream_connected\\{marathon=\"default\"} 1");
    assertThat(metrics).contains("gatehouse_discovery_apps{marathon=\"default\"}");
    assertThat(management.toBlocking().retrieve("/health")).contains("\"status\":\"UP\"");
  }

  @Test
  void syncStatusReportsTheStreamTheLeaderAndTheLastSync() {
    MarathonSyncStatus status =
        stub().getSyncStatus(GetSyncStatusRequest.getDefaultInstance()).getMarathons(0);

    assertThat(status.getMarathonFramework()).isEqualTo("default");
    assertThat(status.getEventStreamState())
        .isEqualTo(EventStreamState.EVENT_STREAM_STATE_CONNECTED);
    assertThat(status.getLeader()).startsWith("127.0.0.1:");
    assertThat(status.hasLastFullSyncTime()).isTrue();
    assertThat(status.hasLastFullSyncDuration()).isTrue();
    assertThat(status.getUrl()).isEqualTo(sim.marathonUrl());
  }

  @Test
  void nodesCarryWhatTheirTasksUseAsTheirAgentsReportIt() throws Exception {
    sim().post("/v2/apps", APP.formatted("/used", 1));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        stub()
                            .listNodes(ListNodesRequest.getDefaultInstance())
                            .getNodesList()
                            .stream()
                            .flatMap(n -> n.getTasksList().stream())
                            .filter(t -> t.getTaskId().startsWith("used."))
                            .toList())
                    .singleElement()
                    .satisfies(
                        t -> {
                          assertThat(t.getAllocated().getCpus()).isPositive();
                          // a second sample gives the use since the first; these tasks idle
                          assertThat(t.hasCpusUsed()).isTrue();
                          assertThat(t.getCpusUsed()).isZero();
                        }));
  }

  @Test
  void nodesAreTheMesosAgentsWithTheirAttributesAndAddresses() {
    await()
        .atMost(WAIT)
        .until(() -> stub().listNodes(ListNodesRequest.getDefaultInstance()).getNodesCount() == 2);
    List<Node> nodes = stub().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList();

    assertThat(nodes).extracting(Node::getHostname).containsExactly("127.0.0.2", "127.0.0.3");
    assertThat(nodes.get(0).getAddress()).isEqualTo("127.0.0.2");
    assertThat(nodes.get(0).getAttributesMap()).containsEntry("rack", "r1");
    assertThat(nodes.get(0).getResources().getPortRangesList()).containsExactly("31000-32000");

    List<WatchNodesResponse> seen = new CopyOnWriteArrayList<>();
    DiscoveryServiceGrpc.newStub(channel)
        .watchNodes(WatchNodesRequest.getDefaultInstance(), collectNodes(seen));
    await().atMost(WAIT).until(() -> !seen.isEmpty());
    assertThat(seen.get(0).getSnapshot()).isTrue();
    assertThat(seen.get(0).getNodesCount()).isEqualTo(2);
    assertThat(
            stub()
                .getSyncStatus(GetSyncStatusRequest.getDefaultInstance())
                .getMesos()
                .getNodeCount())
        .isEqualTo(2);
  }

  private static StreamObserver<WatchNodesResponse> collectNodes(List<WatchNodesResponse> seen) {
    return new StreamObserver<>() {
      @Override
      public void onNext(WatchNodesResponse value) {
        seen.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  @Test
  void anUnknownMarathonInstanceIsAnInvalidArgument() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .listApps(ListAppsRequest.newBuilder().setMarathonFramework("other").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("marathon_framework");
  }

  @Test
  void aConnectionTestSaysWhatMarathonAndMesosAnsweredOrWhyNot() throws Exception {
    TestConnectionResponse reached =
        stub()
            .testConnection(
                TestConnectionRequest.newBuilder()
                    .setMarathonUrl(sim.marathonUrl())
                    .setMesosUrl(sim.mesosUrl())
                    .build());
    assertThat(reached.getMarathon().getReached()).as(reached.toString()).isTrue();
    assertThat(reached.getMarathon().getVersion()).isNotEmpty();
    assertThat(reached.getMarathon().getLeader()).isNotEmpty();
    assertThat(reached.getMarathon().getAppCount())
        .isEqualTo(stub().listApps(ListAppsRequest.getDefaultInstance()).getAppsCount());
    assertThat(reached.getMesos().getReached()).as(reached.toString()).isTrue();
    assertThat(reached.getMesos().getAgentCount()).isEqualTo(2);
    assertThat(reached.getMesos().getLeader()).startsWith("master@");

    // a Marathon that wants credentials: refused without them, reached with them
    try (Simulator guarded =
        Simulator.start(
            SimulatorConfig.forTests(true, Files.createTempDirectory("guarded"))
                .withCredentials("ops:s3cret-pass"))) {
      TestConnectionResponse refused =
          stub()
              .testConnection(
                  TestConnectionRequest.newBuilder()
                      .setMarathonUrl(guarded.marathonUrl())
                      .setMarathonCredentials("ops:wrong-pass")
                      .build());
      assertThat(refused.getMarathon().getReached()).isFalse();
      assertThat(refused.getMarathon().getError())
          .contains("refused the credentials (401)")
          .doesNotContain("wrong-pass");
      assertThat(refused.hasMesos()).isFalse();
      assertThat(
              stub()
                  .testConnection(
                      TestConnectionRequest.newBuilder()
                          .setMarathonUrl(guarded.marathonUrl())
                          .setMarathonCredentials("ops:s3cret-pass")
                          .build())
                  .getMarathon()
                  .getReached())
          .isTrue();
    }

    // nothing listening, and a server that is not what it is said to be
    String nothing = "http://127.0.0.1:" + io.gatehouse.testsupport.ServiceJar.freePort();
    TestConnectionResponse unreachable =
        stub()
            .testConnection(
                TestConnectionRequest.newBuilder()
                    .setMarathonUrl(nothing)
                    .setMesosUrl(sim.marathonUrl())
                    .build());
    assertThat(unreachable.getMarathon().getReached()).isFalse();
    assertThat(unreachable.getMarathon().getError()).contains("unreachable");
    assertThat(unreachable.getMesos().getReached()).isFalse();
    assertThat(unreachable.getMesos().getError()).isNotEmpty();
  }

  @Test
  void aConnectionTestRefusesWhatIsNotASettingAndTakesOperatorsOnly() {
    assertInvalid(TestConnectionRequest.getDefaultInstance(), "marathon_url");
    assertInvalid(
        TestConnectionRequest.newBuilder().setMarathonUrl("file:///etc/passwd").build(),
        "marathon_url");
    assertInvalid(
        TestConnectionRequest.newBuilder().setMarathonUrl("http://ops:pass@master:8080").build(),
        "marathon_url");
    assertInvalid(
        TestConnectionRequest.newBuilder().setMesosUrl("http://master:5050/?x=1").build(),
        "mesos_url");
    assertInvalid(
        TestConnectionRequest.newBuilder()
            .setMarathonUrl(sim.marathonUrl())
            .setMarathonCredentials("ops:pass\r\nX-Injected: 1")
            .build(),
        "marathon_credentials");
    assertInvalid(
        TestConnectionRequest.newBuilder()
            .setMarathonUrl(sim.marathonUrl())
            .setMarathonCredentials("ops:pass")
            .setMarathonToken("token")
            .build(),
        "marathon_token");

    StatusRuntimeException denied =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                DiscoveryServiceGrpc.newBlockingStub(as(ANALYTICS))
                    .testConnection(
                        TestConnectionRequest.newBuilder()
                            .setMarathonUrl(sim.marathonUrl())
                            .build()));
    assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  private void assertInvalid(TestConnectionRequest request, String field) {
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> stub().testConnection(request));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).startsWith(field + ": ");
  }

  /** The app runs {@code instances} routable tasks and no deployment of it is running. */
  private boolean settled(String id, int instances) {
    List<App> apps =
        stub().listApps(ListAppsRequest.newBuilder().setIdPrefix(id).build()).getAppsList();
    return apps.size() == 1
        && routable(apps.get(0)) == instances
        && apps.get(0).getDeploymentIdsCount() == 0;
  }

  private Channel as(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        rawChannel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private DiscoveryServiceGrpc.DiscoveryServiceBlockingStub stub() {
    return DiscoveryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static long routable(App app) {
    return app == null ? 0 : app.getTasksList().stream().filter(Task::getRoutable).count();
  }

  private static App latest(List<WatchAppsResponse> seen, String id) {
    App found = null;
    for (WatchAppsResponse r : seen) {
      for (App app : r.getAppsList()) {
        if (app.getId().equals(id)) {
          found = app;
        }
      }
    }
    return found;
  }

  private static StreamObserver<WatchAppsResponse> collect(List<WatchAppsResponse> seen) {
    return new StreamObserver<>() {
      @Override
      public void onNext(WatchAppsResponse value) {
        seen.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  private io.gatehouse.discovery.SimClient sim() {
    return new io.gatehouse.discovery.SimClient(sim.marathonUrl());
  }
}
