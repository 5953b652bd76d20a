package io.gatehouse.semanager.control;

import static io.gatehouse.semanager.control.Responses.collect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.semanager.v1.ConnectRequest;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.GetServiceEngineRequest;
import io.gatehouse.api.semanager.v1.Heartbeat;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.ListServiceEngineEventsRequest;
import io.gatehouse.api.semanager.v1.ListServiceEnginesRequest;
import io.gatehouse.api.semanager.v1.ListServiceEnginesResponse;
import io.gatehouse.api.semanager.v1.LoadFigures;
import io.gatehouse.api.semanager.v1.Nack;
import io.gatehouse.api.semanager.v1.PoolResource;
import io.gatehouse.api.semanager.v1.RedeployServiceEngineRequest;
import io.gatehouse.api.semanager.v1.RejectedResource;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ResourceVersion;
import io.gatehouse.api.semanager.v1.ServiceEngine;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.gatehouse.api.semanager.v1.ServiceEngineEvent;
import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.semanager.push.ResourceSet;
import io.gatehouse.testsupport.TestPostgres;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** se-manager-svc running in the test JVM: engines connect with their token and get the push. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlServiceIT implements TestPropertyProvider {
  @Inject GrpcEmbeddedServer server;
  @Inject ConfigPush push;

  @Inject
  @Client("/")
  HttpClient management;

  private ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    return TestPostgres.freshDatabase().micronautProperties();
  }

  @BeforeEach
  void connect() {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void close() {
    channel.shutdownNow();
  }

  private ServiceEngineControlGrpc.ServiceEngineControlStub stub(String token) {
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    return ServiceEngineControlGrpc.newStub(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
  }

  @Test
  void anEngineWithItsTokenIsWelcomedAndGetsThePushedResources() {
    List<ConnectResponse> received = new CopyOnWriteArrayList<>();
    StreamObserver<ConnectRequest> requests =
        stub("test-engine-token-0001").connect(collect(received, new AtomicReference<>()));
    requests.onNext(
        ConnectRequest.newBuilder()
            .setHello(Hello.newBuilder().setSeId("se-it").setHostname("node"))
            .build());

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> received.stream().anyMatch(ConnectResponse::hasWelcome));
    assertThat(received.get(0).getWelcome().getHeartbeatInterval().getSeconds()).isEqualTo(1);

    push.publish(
        ResourceSet.of(
            Map.of(
                ResourceType.RESOURCE_TYPE_POOL,
                List.of(
                    Resource.newBuilder()
                        .setName("web")
                        .setPool(PoolResource.getDefaultInstance())
                        .build()))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                received.stream()
                    .anyMatch(
                        r ->
                            r.hasUpdate()
                                && r.getUpdate().getResourcesCount() == 1
                                && !r.getUpdate().getFullState()));
    assertThat(push.engines()).contains("se-it");

    // operators see where the pool's virtual services stand (none here: the pool alone converges)
    var admin =
        io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc.newBlockingStub(
            ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(operatorHeaders())));
    assertThat(
            admin
                .getConvergence(
                    io.gatehouse.api.semanager.v1.GetConvergenceRequest.getDefaultInstance())
                .getVirtualServicesList())
        .isEmpty();
    requests.onCompleted();
  }

  @Test
  void theInventoryRecordsConnectionsRejectionsAndDisconnections() {
    List<ConnectResponse> received = new CopyOnWriteArrayList<>();
    StreamObserver<ConnectRequest> requests =
        stub("test-engine-token-0001").connect(collect(received, new AtomicReference<>()));
    requests.onNext(
        ConnectRequest.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setSeId("se-inventory")
                    .setHostname("node-7")
                    .setNodeId("agent-7")
                    .setVersion("1.2.3")
                    .setSeGroup("edge"))
            .build());
    // the load a heartbeat carries is kept, the engine's impossible figures as 0
    requests.onNext(
        ConnectRequest.newBuilder()
            .setHeartbeat(
                Heartbeat.newBuilder()
                    .setLoad(
                        LoadFigures.newBuilder()
                            .setOpenConnections(12)
                            .setRequestsPerSecond(Double.NaN)
                            .setCpuUsed(0.25)
                            .setResidentMemoryBytes(-1) // 2^64 - 1 on the wire
                            .setAnalyticsDropped(3)))
            .build());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        admin()
                            .getServiceEngine(
                                GetServiceEngineRequest.newBuilder().setId("se-inventory").build())
                            .getLoad())
                    .isEqualTo(
                        LoadFigures.newBuilder()
                            .setOpenConnections(12)
                            .setCpuUsed(0.25)
                            .setAnalyticsDropped(3)
                            .build()));
    push.publish(
        ResourceSet.of(
            Map.of(
                ResourceType.RESOURCE_TYPE_POOL,
                List.of(
                    Resource.newBuilder()
                        .setName("refused")
                        .setPool(PoolResource.getDefaultInstance())
                        .build()))));
    java.util.function.Predicate<ConnectResponse> refusedPool =
        r ->
            r.hasUpdate()
                && r.getUpdate().getResourcesList().stream()
                    .anyMatch(x -> x.getName().equals("refused"));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch(refusedPool));
    var update = received.stream().filter(refusedPool).findFirst().orElseThrow();
    requests.onNext(
        ConnectRequest.newBuilder()
            .setNack(
                Nack.newBuilder()
                    .setNonce(update.getUpdate().getNonce())
                    .setType(ResourceType.RESOURCE_TYPE_POOL)
                    .addRejected(
                        RejectedResource.newBuilder()
                            .setResource(
                                ResourceVersion.newBuilder()
                                    .setType(ResourceType.RESOURCE_TYPE_POOL)
                                    .setName("refused")
                                    .setVersion(update.getUpdate().getResources(0).getVersion()))
                            .setErrorDetail(
                                com.google.rpc.Status.newBuilder()
                                    .setCode(3)
                                    .setMessage("no members"))
                            .setLastGoodVersion("7")))
            .build());
    var admin = admin();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                admin
                    .getServiceEngine(
                        GetServiceEngineRequest.newBuilder().setId("se-inventory").build())
                    .getResourcesList()
                    .stream()
                    .anyMatch(r -> r.hasNackError()));
    ServiceEngine connected =
        admin.getServiceEngine(GetServiceEngineRequest.newBuilder().setId("se-inventory").build());
    assertThat(connected.getState()).isEqualTo(ServiceEngineState.SERVICE_ENGINE_STATE_CONNECTED);
    assertThat(connected.getHostname()).isEqualTo("node-7");
    assertThat(connected.getNodeId()).isEqualTo("agent-7");
    assertThat(connected.getSeGroup()).isEqualTo("edge");
    assertThat(connected.getVersion()).isEqualTo("1.2.3");
    assertThat(connected.getDeploymentMethod()).isEmpty(); // it connected on its own
    assertThat(connected.hasConnectedTime()).isTrue();
    assertThat(connected.getResourcesList())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getDesired().getName()).isEqualTo("refused");
              assertThat(r.getAppliedVersion()).isEmpty();
              assertThat(r.getNackError().getMessage()).isEqualTo("no members");
            });

    requests.onCompleted();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                admin
                        .getServiceEngine(
                            GetServiceEngineRequest.newBuilder().setId("se-inventory").build())
                        .getState()
                    == ServiceEngineState.SERVICE_ENGINE_STATE_DISCONNECTED);
    assertThat(
            admin
                .listServiceEngines(
                    ListServiceEnginesRequest.newBuilder().setSeGroup("edge").build())
                .getServiceEnginesList())
        .extracting(ServiceEngine::getId)
        .containsExactly("se-inventory");
    assertThat(
            admin
                .listServiceEngineEvents(
                    ListServiceEngineEventsRequest.newBuilder().setSeId("se-inventory").build())
                .getEventsList())
        .extracting(ServiceEngineEvent::getType)
        .containsExactly("DISCONNECTED", "NACK", "CONNECTED");
    assertThat(
            admin
                .listServiceEngineEvents(
                    ListServiceEngineEventsRequest.newBuilder()
                        .setSeId("se-inventory")
                        .setPageSize(1)
                        .build())
                .getEvents(0)
                .getType())
        .isEqualTo("DISCONNECTED");
    var nack =
        admin
            .listServiceEngineEvents(
                ListServiceEngineEventsRequest.newBuilder().setSeId("se-inventory").build())
            .getEvents(1);
    assertThat(nack.getMessage())
        .isEqualTo(
            "pool refused version "
                + update.getUpdate().getResources(0).getVersion()
                + ": no members; still serving version 7");
  }

  @Test
  void theInventoryIsListedAPageAtATime() {
    for (String id : List.of("se-page-a", "se-page-b", "se-page-c")) {
      StreamObserver<ConnectRequest> requests =
          stub("test-engine-token-0001")
              .connect(collect(new CopyOnWriteArrayList<>(), new AtomicReference<>()));
      requests.onNext(
          ConnectRequest.newBuilder()
              .setHello(Hello.newBuilder().setSeId(id).setHostname("pages").setSeGroup("pages"))
              .build());
    }
    var admin = admin();
    ListServiceEnginesRequest first =
        ListServiceEnginesRequest.newBuilder().setSeGroup("pages").setPageSize(2).build();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                admin
                        .listServiceEngines(first.toBuilder().setPageSize(10).build())
                        .getServiceEnginesCount()
                    == 3);
    ListServiceEnginesResponse page1 = admin.listServiceEngines(first);
    ListServiceEnginesResponse page2 =
        admin.listServiceEngines(first.toBuilder().setPageToken(page1.getNextPageToken()).build());
    assertThat(page1.getServiceEnginesList())
        .extracting(ServiceEngine::getId)
        .containsExactly("se-page-a", "se-page-b");
    assertThat(page2.getServiceEnginesList())
        .extracting(ServiceEngine::getId)
        .containsExactly("se-page-c");
    assertThat(page2.getNextPageToken()).isEmpty();

    assertThatThrownBy(
            () -> admin.listServiceEngines(first.toBuilder().setPageToken("not-a-token").build()))
        .satisfies(
            e -> {
              assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(Status.fromThrowable(e).getDescription()).startsWith("page_token:");
            });
    assertThatThrownBy(
            () ->
                admin.getServiceEngine(GetServiceEngineRequest.newBuilder().setId("nope").build()))
        .satisfies(
            e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(
            () ->
                admin.redeployServiceEngine(
                    RedeployServiceEngineRequest.newBuilder().setId("se-page-a").build()))
        .satisfies(
            e -> {
              assertThat(Status.fromThrowable(e).getCode())
                  .isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(Status.fromThrowable(e).getDescription())
                  .contains("gatehouse.semanager.lifecycle.enabled");
            });
  }

  @Test
  void enginesTokensCannotUseTheAdminApi() {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer test-engine-token-0001");
    var asEngine =
        ServiceEngineAdminGrpc.newBlockingStub(
            ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(headers)));

    assertThatThrownBy(
            () -> asEngine.listServiceEngines(ListServiceEnginesRequest.getDefaultInstance()))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(
            () ->
                asEngine.getConvergence(
                    io.gatehouse.api.semanager.v1.GetConvergenceRequest.getDefaultInstance()))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  private ServiceEngineAdminGrpc.ServiceEngineAdminBlockingStub admin() {
    return ServiceEngineAdminGrpc.newBlockingStub(
            ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(operatorHeaders())))
        .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void withoutATokenTheStreamIsRefused() {
    AtomicReference<Throwable> error = new AtomicReference<>();
    StreamObserver<ConnectRequest> requests =
        stub(null).connect(collect(new CopyOnWriteArrayList<>(), error));
    requests.onNext(
        ConnectRequest.newBuilder().setHello(Hello.newBuilder().setSeId("se-anon")).build());

    await().atMost(Duration.ofSeconds(10)).until(() -> error.get() != null);
    assertThat(Status.fromThrowable(error.get()).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void operatorsCannotConnectAsAnEngine() {
    AtomicReference<Throwable> error = new AtomicReference<>();
    StreamObserver<ConnectRequest> requests =
        stub("test-operator-token-0001").connect(collect(new CopyOnWriteArrayList<>(), error));
    requests.onNext(
        ConnectRequest.newBuilder().setHello(Hello.newBuilder().setSeId("se-op")).build());

    await().atMost(Duration.ofSeconds(10)).until(() -> error.get() != null);
    assertThat(Status.fromThrowable(error.get()).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(push.engines()).doesNotContain("se-op");
  }

  @Test
  void theManagementPortAnswersHealthAndMetrics() {
    assertThat(management.toBlocking().retrieve("/health")).contains("\"status\":\"UP\"");
    assertThat(management.toBlocking().retrieve("/metrics")).contains("jvm_memory_used_bytes");
  }

  private static Metadata operatorHeaders() {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer test-operator-token-0001");
    return headers;
  }
}
