package io.gatehouse.engine.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * gRPC end to end through the engine: a grpc-java client in clear HTTP/2 to the engine, the engine
 * in h2c to a grpc-java server (the gRPC health service). Unary and streaming calls, statuses in
 * trailers, deadlines, and a member that is gone.
 */
@ExtendWith(LeakCheck.class)
class GrpcThroughEngineIT {
  private final ServiceEngine engine = RunningEngine.start();
  private final int port = RunningEngine.freePort();
  private final HealthStatusManager health = new HealthStatusManager();
  private final Server member;
  private final ManagedChannel channel;

  GrpcThroughEngineIT() throws Exception {
    member =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(health.getHealthService())
            .build()
            .start();
    health.setStatus("shop", HealthCheckResponse.ServingStatus.SERVING);
    engine.apply(
        H2cService.on(port, List.of(new EndpointConfig("127.0.0.1", member.getPort(), 1))));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    member.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    engine.close();
  }

  private HealthGrpc.HealthBlockingStub stub() {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void unaryCallsAndTheMembersStatusesPassThrough() {
    for (int i = 0; i < 20; i++) { // many calls, streams on one member connection
      assertThat(
              stub().check(HealthCheckRequest.newBuilder().setService("shop").build()).getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
    StatusRuntimeException unknown =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub().check(HealthCheckRequest.newBuilder().setService("nope").build()));
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(engine.services().get("grpc").stats().requests()).isEqualTo(21);
  }

  @Test
  void aServerStreamFlowsAndAClientsDeadlineEndsIt() {
    Iterator<HealthCheckResponse> watch =
        HealthGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .watch(HealthCheckRequest.newBuilder().setService("shop").build());
    assertThat(watch.next().getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    health.setStatus("shop", HealthCheckResponse.ServingStatus.NOT_SERVING);
    assertThat(watch.next().getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);

    Iterator<HealthCheckResponse> short_ =
        HealthGrpc.newBlockingStub(channel)
            .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
            .watch(HealthCheckRequest.newBuilder().setService("shop").build());
    short_.next();
    StatusRuntimeException late = catchThrowableOfType(StatusRuntimeException.class, short_::next);
    assertThat(late.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
  }

  @Test
  void aMemberThatIsGoneIsUnavailableNeverAHungCall() throws Exception {
    member.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    StatusRuntimeException gone =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub().check(HealthCheckRequest.newBuilder().setService("shop").build()));
    assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }
}
