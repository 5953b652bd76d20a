package io.gatehouse.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GrpcShutdownTest {
  @Test
  void aStreamThatNeverEndsIsCancelledAfterTheGraceAndTheServerStops() throws Exception {
    String name = InProcessServerBuilder.generateName();
    Server server =
        InProcessServerBuilder.forName(name)
            .addService(new HealthStatusManager().getHealthService())
            .build()
            .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    CompletableFuture<Status> ended = new CompletableFuture<>();
    CompletableFuture<Void> watching = new CompletableFuture<>();
    // health Watch streams until the client goes away, like Connect and Watch in our services
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

    GrpcShutdown.end(server, Duration.ofMillis(200));

    assertThat(server.isTerminated() || server.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(ended::isDone);
    assertThat(ended.get().getCode()).isNotEqualTo(Status.Code.OK); // the client sees it end
    channel.shutdownNow();
  }
}
