package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testsupport.RawGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * gRPC through {@code gatehouse up}: a Marathon app whose tasks are gRPC servers (marathon-sim's
 * demo task with DEMO_PROTOCOL=grpc), its pool speaking h2c by its avi_proxy label, called through
 * its service port on every agent's engine: a unary call and a stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
@Order(1)
class GrpcEdgeIT {
  private static final int SERVICE_PORT = 10119;
  private static final List<String> AGENTS = List.of("127.0.0.2", "127.0.0.3");
  private static final MethodDescriptor<byte[], byte[]> SAY =
      RawGrpc.unary("gatehouse.demo.Echo/Say");
  private static final MethodDescriptor<byte[], byte[]> STREAM =
      SAY.toBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName("gatehouse.demo.Echo/Stream")
          .build();
  private PlatformCalls calls;

  @BeforeAll
  void platform() {
    calls = new PlatformCalls(RunningPlatform.shared());
  }

  @Test
  @Order(1)
  void aGrpcAppIsCalledThroughItsServicePortOnEveryAgent() throws Exception {
    String label =
        com.fasterxml.jackson.databind.node.TextNode.valueOf(
                "{\"pool\": {\"member_protocol\": \"MEMBER_PROTOCOL_H2C\"}}")
            .toString();
    calls.postApp(
        """
        {"id": "grpcecho", "instances": 2, "cpus": 0.1, "mem": 32,
         "env": {"DEMO_PROTOCOL": "grpc"},
         "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server",
           "network": "BRIDGE", "portMappings": [{"containerPort": 80,
           "hostPort": 0, "servicePort": %d, "protocol": "tcp"}]}},
         "labels": {"avi_proxy": %s}}
        """
            .formatted(SERVICE_PORT, label));

    for (String agent : AGENTS) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress(agent, SERVICE_PORT).usePlaintext().build();
      try {
        await()
            .atMost(RunningPlatform.WAIT)
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(() -> new String(say(channel, "hello"), StandardCharsets.UTF_8).equals("hello"));
        assertThat(servedBy(channel)).startsWith("task grpcecho.");
        assertThat(stream(channel, List.of("a", "bb", "ccc"))).containsExactly("a", "bb", "ccc");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @Order(2)
  void scalingUnderLoadFailsNoCall() throws Exception {
    List<ManagedChannel> channels =
        AGENTS.stream()
            .map(
                a ->
                    (ManagedChannel)
                        NettyChannelBuilder.forAddress(a, SERVICE_PORT).usePlaintext().build())
            .toList();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
    Thread load =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
              for (long i = 0; running.get() && i < 200_000 && System.nanoTime() < deadline; i++) {
                try {
                  say(channels.get((int) (i % channels.size())), "load");
                  done.incrementAndGet();
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              }
            },
            "grpc-load");
    try {
      await()
          .atMost(RunningPlatform.WAIT)
          .until(() -> tasksAnswering(channels.get(0), 20).size() == 2);
      load.start();
      scale(4);
      for (ManagedChannel channel : channels) {
        await()
            .atMost(RunningPlatform.WAIT)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> tasksAnswering(channel, 40).size() == 4);
      }
      scale(1);
      for (ManagedChannel channel : channels) {
        await()
            .atMost(RunningPlatform.WAIT)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> tasksAnswering(channel, 10).size() == 1);
      }
      long before = done.get();
      await().atMost(RunningPlatform.WAIT).until(() -> done.get() > before + 100);
    } finally {
      running.set(false);
      load.join(TimeUnit.SECONDS.toMillis(30));
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    assertThat(failures).as("%d calls made", done.get()).isEmpty();
    assertThat(done.get()).isGreaterThan(100);
  }

  /** The tasks that answered {@code calls} unary calls over {@code channel}. */
  private static java.util.Set<String> tasksAnswering(ManagedChannel channel, int calls) {
    java.util.Set<String> tasks = new java.util.HashSet<>();
    for (int i = 0; i < calls; i++) {
      try {
        tasks.add(servedBy(channel).replaceAll(" at .*", ""));
      } catch (Exception | AssertionError notNow) {
        // the next sample tells
      }
    }
    return tasks;
  }

  private void scale(int instances) throws Exception {
    java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:"
                                + RunningPlatform.shared().marathonPort
                                + "/v2/apps/grpcecho"))
                    .header("Content-Type", "application/json")
                    .PUT(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"instances\": " + instances + "}"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static byte[] say(ManagedChannel channel, String text) {
    return ClientCalls.blockingUnaryCall(
        channel,
        SAY,
        CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
        text.getBytes(StandardCharsets.UTF_8));
  }

  /** The task a unary call reached, from its response headers. */
  private static String servedBy(ManagedChannel channel) throws Exception {
    AtomicReference<String> servedBy = new AtomicReference<>("");
    CountDownLatch done = new CountDownLatch(1);
    ClientCall<byte[], byte[]> call =
        channel.newCall(SAY, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onHeaders(Metadata headers) {
            servedBy.set(
                headers.get(Metadata.Key.of("x-served-by", Metadata.ASCII_STRING_MARSHALLER)));
          }

          @Override
          public void onClose(io.grpc.Status status, Metadata trailers) {
            done.countDown();
          }
        },
        new Metadata());
    call.sendMessage("who".getBytes(StandardCharsets.UTF_8));
    call.halfClose();
    call.request(1);
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    return servedBy.get();
  }

  private static List<String> stream(ManagedChannel channel, List<String> messages)
      throws Exception {
    List<String> echoed = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<byte[]> requests =
        io.grpc.stub.ClientCalls.asyncBidiStreamingCall(
            channel.newCall(STREAM, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)),
            new StreamObserver<>() {
              @Override
              public void onNext(byte[] value) {
                echoed.add(new String(value, StandardCharsets.UTF_8));
              }

              @Override
              public void onError(Throwable t) {
                done.countDown();
              }

              @Override
              public void onCompleted() {
                done.countDown();
              }
            });
    for (String message : messages) {
      requests.onNext(message.getBytes(StandardCharsets.UTF_8));
    }
    requests.onCompleted();
    assertThat(done.await(15, TimeUnit.SECONDS)).isTrue();
    return echoed;
  }
}
