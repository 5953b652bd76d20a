package io.gatehouse.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Empty;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stopping service lets its unary calls finish and ends its streams, which never end by
 * themselves, as soon as no unary call is left: not after the grace.
 */
class GrpcShutdownTest {
  /** A unary call that answers when the test lets it. */
  private static final MethodDescriptor<Empty, Empty> SLOW =
      MethodDescriptor.<Empty, Empty>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test.Slow/Answer")
          .setRequestMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
          .build();

  private static final Duration LONG_GRACE = Duration.ofHours(1);

  private final UnaryCallsInFlight unaryCalls = new UnaryCallsInFlight();
  private final CountDownLatch answering = new CountDownLatch(1);
  private final CountDownLatch answer = new CountDownLatch(1);
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    answer.countDown();
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void aStreamThatNeverEndsIsEndedWithoutWaitingOutTheGrace() throws Exception {
    start();
    CompletableFuture<Status> ended = watch();

    CompletableFuture<Void> stopped =
        CompletableFuture.runAsync(() -> GrpcShutdown.end(server, LONG_GRACE, unaryCalls));

    await().atMost(Duration.ofSeconds(10)).until(stopped::isDone); // not an hour
    assertThat(server.isTerminated()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(ended::isDone);
    assertThat(ended.get().getCode()).isNotEqualTo(Status.Code.OK); // the client sees it end
  }

  @Test
  void aUnaryCallInFlightIsAnsweredNewCallsAreRefusedAndThenTheStreamsEnd() throws Exception {
    start();
    CompletableFuture<Status> ended = watch();
    CompletableFuture<Empty> slow =
        CompletableFuture.supplyAsync(
            () ->
                ClientCalls.blockingUnaryCall(
                    channel, SLOW, CallOptions.DEFAULT, Empty.getDefaultInstance()));
    assertThat(answering.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> stopped =
        CompletableFuture.runAsync(() -> GrpcShutdown.end(server, LONG_GRACE, unaryCalls));
    await().atMost(Duration.ofSeconds(10)).until(server::isShutdown);
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    channel, SLOW, CallOptions.DEFAULT, Empty.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(unaryCalls.count()).isEqualTo(1); // the one in flight, still being answered

    answer.countDown();
    assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo(Empty.getDefaultInstance());
    await().atMost(Duration.ofSeconds(10)).until(stopped::isDone);
    await().atMost(Duration.ofSeconds(10)).until(ended::isDone);
    assertThat(ended.get().getCode()).isNotEqualTo(Status.Code.OK);
    assertThat(unaryCalls.count()).isZero();
  }

  private void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerServiceDefinition slow =
        ServerServiceDefinition.builder("test.Slow")
            .addMethod(
                SLOW,
                ServerCalls.asyncUnaryCall(
                    (request, out) -> {
                      answering.countDown();
                      try {
                        answer.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      out.onNext(Empty.getDefaultInstance());
                      out.onCompleted();
                    }))
            .build();
    server =
        InProcessServerBuilder.forName(name)
            .addService(ServerInterceptors.intercept(slow, unaryCalls))
            .addService(
                ServerInterceptors.intercept(
                    new HealthStatusManager().getHealthService(), unaryCalls))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  /** A health Watch: it streams until the client goes away, like Connect and Watch in services. */
  private CompletableFuture<Status> watch() throws Exception {
    CompletableFuture<Status> ended = new CompletableFuture<>();
    CompletableFuture<Void> watching = new CompletableFuture<>();
    HealthGrpc.newStub(channel)
        .watch(
            HealthCheckRequest.getDefaultInstance(),
            new StreamObserver<HealthCheckResponse>() {
              @Override
              public void onNext(HealthCheckResponse value) {
                watching.complete(null);
              }

              @Override
              public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                ended.complete(Status.OK);
              }
            });
    watching.get(10, TimeUnit.SECONDS);
    return ended;
  }
}
