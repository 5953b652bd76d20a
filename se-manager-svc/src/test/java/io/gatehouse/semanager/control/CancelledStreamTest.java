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
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An engine that cancels its Connect call is out of the push only once its stream is seen to end; a
 * publish in between must still reach every other engine.
 */
class CancelledStreamTest {
  private final ConfigPush push = new ConfigPush();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(new ControlGrpcService(push, "manager", Duration.ofSeconds(5)))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void aPublishRacingAnEnginesCancelStillReachesTheOthers() {
    List<ConnectResponse> toCancelled = new CopyOnWriteArrayList<>();
    List<ConnectResponse> toStaying = new CopyOnWriteArrayList<>();
    var cancelled = (ClientCallStreamObserver<ConnectRequest>) connect("se-a", toCancelled);
    connect("se-b", toStaying);
    await().atMost(Duration.ofSeconds(10)).until(() -> push.engines().size() == 2);

    synchronized (push) { // the stream's end waits for the push: the race, held open
      cancelled.cancel("the engine goes away", null);
      await().atMost(Duration.ofSeconds(10)).until(CancelledStreamTest::aStreamEndWaitsForThePush);
      push.publish(ResourceSet.of(Map.of(ResourceType.RESOURCE_TYPE_POOL, List.of(pool("web")))));
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                toStaying.stream()
                    .anyMatch(
                        r ->
                            r.hasUpdate()
                                && r.getUpdate().getResourcesList().stream()
                                    .anyMatch(x -> x.getName().equals("web"))));
    await().atMost(Duration.ofSeconds(10)).until(() -> push.engines().equals(List.of("se-b")));
    assertThat(
            toCancelled.stream()
                .anyMatch(r -> r.hasUpdate() && r.getUpdate().getResourcesCount() > 0))
        .isFalse();
  }

  private StreamObserver<ConnectRequest> connect(String id, List<ConnectResponse> received) {
    StreamObserver<ConnectRequest> requests =
        ServiceEngineControlGrpc.newStub(channel)
            .connect(Responses.collect(received, new AtomicReference<>()));
    requests.onNext(
        ConnectRequest.newBuilder()
            .setHello(Hello.newBuilder().setSeId(id).setHostname("node"))
            .build());
    return requests;
  }

  /** Whether the server's handling of a stream's end is blocked on the push's monitor. */
  private static boolean aStreamEndWaitsForThePush() {
    return Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(true, false))
        .filter(t -> t.getThreadState() == Thread.State.BLOCKED)
        .anyMatch(
            t ->
                Arrays.stream(t.getStackTrace())
                    .anyMatch(
                        f ->
                            f.getClassName().startsWith(ControlGrpcService.class.getName())
                                && f.getMethodName().equals("gone")));
  }

  private static Resource pool(String name) {
    return Resource.newBuilder().setName(name).setPool(PoolResource.getDefaultInstance()).build();
  }
}
