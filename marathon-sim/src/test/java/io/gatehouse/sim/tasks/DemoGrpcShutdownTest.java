package io.gatehouse.sim.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testsupport.RawGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The demo task in its gRPC form stops as a gRPC server does on SIGTERM: a call under way goes on
 * to its end while new calls are turned away, and the grace period bounds how long that lasts.
 */
class DemoGrpcShutdownTest {
  private static final MethodDescriptor<byte[], byte[]> STREAM =
      RawGrpc.unary("gatehouse.demo.Echo/Stream").toBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .build();
  private static final MethodDescriptor<byte[], byte[]> SAY =
      RawGrpc.unary("gatehouse.demo.Echo/Say");

  private final BuiltinTaskRunner runner = new BuiltinTaskRunner(BuiltinTaskRunner.Kind.HTTP);
  private final int port = freePort();
  private final RunningTask task;
  private final ManagedChannel channel =
      NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  private final BlockingQueue<String> echoed = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> ended = new CompletableFuture<>();

  DemoGrpcShutdownTest() throws Exception {
    task =
        runner.start(
            new TaskSpec(
                "echo.1",
                "127.0.0.1",
                List.of(port),
                null,
                "avinetworks/server",
                Map.of("DEMO_PROTOCOL", "grpc")),
            code -> {});
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    runner.stopAll();
  }

  @Test
  void aCallUnderWayFinishesWhileNewCallsAreTurnedAway() throws Exception {
    StreamObserver<byte[]> call = openStream();
    call.onNext(bytes("before"));
    assertThat(echoed.poll(10, TimeUnit.SECONDS)).isEqualTo("before");

    CompletableFuture<Void> stopped =
        CompletableFuture.runAsync(() -> task.stop(Duration.ofSeconds(30)));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        catchStatus(
                            () ->
                                ClientCalls.blockingUnaryCall(
                                    channel,
                                    SAY,
                                    CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.SECONDS),
                                    bytes("new"))))
                    .isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(stopped).isNotDone(); // the call under way holds the task's end

    call.onNext(bytes("during"));
    assertThat(echoed.poll(10, TimeUnit.SECONDS)).isEqualTo("during");
    call.onCompleted();
    assertThat(ended.get(10, TimeUnit.SECONDS)).isEqualTo(Status.OK);
    stopped.get(10, TimeUnit.SECONDS); // well before its 30 s of grace
  }

  @Test
  void theGracePeriodEndsACallThatGoesOn() throws Exception {
    StreamObserver<byte[]> call = openStream();
    call.onNext(bytes("before"));
    assertThat(echoed.poll(10, TimeUnit.SECONDS)).isEqualTo("before");

    task.stop(Duration.ofMillis(300));

    assertThat(ended.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  private StreamObserver<byte[]> openStream() {
    return ClientCalls.asyncBidiStreamingCall(
        channel.newCall(STREAM, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)),
        new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {
            echoed.add(new String(value, StandardCharsets.UTF_8));
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
  }

  private static Status.Code catchStatus(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static int freePort() {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
