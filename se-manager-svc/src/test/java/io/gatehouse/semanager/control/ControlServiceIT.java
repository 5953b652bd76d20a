package io.gatehouse.semanager.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.semanager.v1.ConnectRequest;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.PoolResource;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.semanager.push.ResourceSet;
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
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** se-manager-svc running in the test JVM: engines connect with their token and get the push. */
@MicronautTest
class ControlServiceIT {
  @Inject GrpcEmbeddedServer server;
  @Inject ConfigPush push;

  @Inject
  @Client("/")
  HttpClient management;

  private ManagedChannel channel;

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

  private static StreamObserver<ConnectResponse> collect(
      List<ConnectResponse> received, AtomicReference<Throwable> error) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ConnectResponse value) {
        received.add(value);
      }

      @Override
      public void onError(Throwable t) {
        error.set(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
