package io.gatehouse.grpc.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client given several replicas' addresses talks to one that answers, and moves to the next when
 * its replica goes; one address stays gRPC's own target.
 */
class GrpcTargetsTest {
  @Test
  void aClientOfSeveralReplicasSkipsOneThatIsDownAndMovesOnWhenItsReplicaGoes() throws Exception {
    int down = freePort();
    Server first = replica("first");
    Server second = replica("second");
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(
                GrpcTargets.of(
                    "127.0.0.1:"
                        + down
                        + ",127.0.0.1:"
                        + first.getPort()
                        + ",127.0.0.1:"
                        + second.getPort()))
            .usePlaintext()
            .build();
    try {
      assertThat(whoAnswers(channel)).isEqualTo("first"); // the dead one skipped

      first.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
          .until(() -> whoAnswers(channel).equals("second"));
    } finally {
      channel.shutdownNow();
      first.shutdownNow();
      second.shutdownNow();
    }
  }

  @Test
  void oneAddressIsLeftToGrpcAndABadEntryIsNamed() {
    assertThat(GrpcTargets.of("se-manager:9103")).isEqualTo("se-manager:9103");
    assertThat(GrpcTargets.of("a:1, b:2")).isEqualTo("gatehouse-addresses:///a:1,b:2");
    assertThat(URI.create(GrpcTargets.of("[::1]:9103,[fd00::2]:9103")).getPath())
        .isEqualTo("/[::1]:9103,[fd00::2]:9103");
    assertThatThrownBy(() -> GrpcTargets.of("a:1,b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"b\"");
    assertThatThrownBy(() -> GrpcTargets.of("a:1,b:70000")).hasMessageContaining("\"b:70000\"");
    assertThatThrownBy(() -> GrpcTargets.of("a:1,/etc/passwd:2"))
        .hasMessageContaining("/etc/passwd");
    assertThatThrownBy(() -> GrpcTargets.of("a:1,".repeat(17) + "a:1"))
        .hasMessageContaining("at most 16");
  }

  /** Which replica answers: each serves the health of its own name. */
  private static String whoAnswers(ManagedChannel channel) {
    for (String name : new String[] {"first", "second"}) {
      ServingStatus status =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .check(HealthCheckRequest.newBuilder().setService(name).build())
              .getStatus();
      if (status == ServingStatus.SERVING) {
        return name;
      }
    }
    return "";
  }

  private static Server replica(String name) throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(name, ServingStatus.SERVING);
    health.setStatus(name.equals("first") ? "second" : "first", ServingStatus.NOT_SERVING);
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(health.getHealthService())
        .build()
        .start();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
