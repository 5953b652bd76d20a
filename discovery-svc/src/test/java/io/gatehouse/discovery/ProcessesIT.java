package io.gatehouse.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.EventStreamState;
import io.gatehouse.api.discovery.v1.GetSyncStatusRequest;
import io.gatehouse.api.discovery.v1.ListAppsRequest;
import io.gatehouse.api.discovery.v1.Task;
import io.gatehouse.testsupport.ServiceJar;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * discovery-svc and marathon-sim as the real processes users run, from their jars: an app appears
 * and scales, and a Marathon that is stopped and started again (losing its apps, as a new cluster
 * would) is followed again, with what it lost removed.
 */
class ProcessesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOKEN = "test-operator-token-0001";

  private static ServiceJar marathon(int port, Path sandboxes) {
    return ServiceJar.start(
            "marathon-sim",
            List.of(
                "--fixed-tasks",
                "--http_port=" + port,
                "--mesos_port=" + ServiceJar.freePort(),
                "--agents=2",
                "--sandboxes=" + sandboxes),
            Map.of())
        .awaitPort(port, WAIT);
  }

  @Test
  void aPlaceholderTokenStopsTheServiceAtStartNamingTheSetting() {
    try (ServiceJar refused =
        ServiceJar.start(
            "discovery-svc",
            List.of(
                "--grpc.server.port=" + ServiceJar.freePort(),
                "--micronaut.server.port=" + ServiceJar.freePort(),
                "--gatehouse.discovery.marathons.default.url=http://127.0.0.1:1",
                "--gatehouse.discovery.mesos.url=http://127.0.0.1:1"),
            ServiceJar.plaintext(
                Map.of("GATEHOUSE_DISCOVERY_AUTH_OPERATOR_TOKENS", "CHANGE_ME_OPERATOR_TOKEN")))) {
      assertThat(refused.awaitExit(WAIT)).isNotZero();
      assertThat(refused.output())
          .contains("gatehouse.discovery.auth.operator-tokens: a placeholder")
          .doesNotContain("CHANGE_ME_OPERATOR_TOKEN");
    }
  }

  @Test
  void appsAreFollowedAcrossAMarathonRestart() throws Exception {
    int marathonPort = ServiceJar.freePort();
    int grpc = ServiceJar.freePort();
    Path sandboxes = Files.createTempDirectory("processes-it");
    SimClient sim = new SimClient("http://127.0.0.1:" + marathonPort);
    ServiceJar marathon = marathon(marathonPort, sandboxes);
    try (ServiceJar discovery =
        ServiceJar.start(
                "discovery-svc",
                List.of(
                    "--grpc.server.port=" + grpc,
                    "--micronaut.server.port=" + ServiceJar.freePort(),
                    "--gatehouse.discovery.auth.operator-tokens=" + TOKEN,
                    "--gatehouse.discovery.marathons.default.url=http://127.0.0.1:" + marathonPort,
                    "--gatehouse.discovery.mesos.url=http://127.0.0.1:1",
                    "--gatehouse.discovery.stall-timeout=5s"),
                ServiceJar.plaintext(Map.of()))
            .awaitPort(grpc, WAIT)) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", grpc).usePlaintext().build();
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
      var stub =
          DiscoveryServiceGrpc.newBlockingStub(
              ClientInterceptors.intercept(
                  channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
      try {
        sim.post(
            "/v2/apps",
            "{\"id\": \"/web\", \"instances\": 2, \"cmd\": \"serve\", \"portDefinitions\": [{\"port\": 0}]}");
        await().atMost(WAIT).until(() -> routable(stub, "/web") == 2);
        sim.put("/v2/apps/web", "{\"instances\": 3}");
        await().atMost(WAIT).until(() -> routable(stub, "/web") == 3);

        marathon.close(); // Marathon goes away mid-stream ...
        marathon = marathon(marathonPort, sandboxes); // ... and a fresh one comes back
        sim.post(
            "/v2/apps",
            "{\"id\": \"/api\", \"instances\": 1, \"cmd\": \"serve\", \"portDefinitions\": [{\"port\": 0}]}");

        await().atMost(WAIT).until(() -> routable(stub, "/api") == 1 && apps(stub).size() == 1);
        assertThat(
                stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getSyncStatus(GetSyncStatusRequest.getDefaultInstance())
                    .getMarathons(0)
                    .getEventStreamState())
            .isEqualTo(EventStreamState.EVENT_STREAM_STATE_CONNECTED);
      } finally {
        channel.shutdownNow();
      }
    } finally {
      marathon.close();
    }
  }

  private static List<App> apps(DiscoveryServiceGrpc.DiscoveryServiceBlockingStub stub) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .listApps(ListAppsRequest.getDefaultInstance())
        .getAppsList();
  }

  private static long routable(DiscoveryServiceGrpc.DiscoveryServiceBlockingStub stub, String id) {
    return apps(stub).stream()
        .filter(a -> a.getId().equals(id))
        .flatMap(a -> a.getTasksList().stream())
        .filter(Task::getRoutable)
        .count();
  }
}
