package io.gatehouse.engine.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.HealthMonitorConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Members leave and rejoin rotation by active probes, by failing connections, and by config. */
@ExtendWith(LeakCheck.class)
class HealthCheckIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ServiceEngine engine;
  private TestBackend a;
  private TestBackend b;
  private int port;

  @BeforeEach
  void start() {
    engine = RunningEngine.start();
    a = TestBackend.start("a");
    b = TestBackend.start("b");
    port = RunningEngine.freePort();
  }

  @AfterEach
  void stop() {
    engine.close();
    a.close();
    b.close();
  }

  private void serve(HealthMonitorConfig monitor, int ejectAfter, int... memberPorts) {
    serve(monitor, ejectAfter, PoolConfig.DEFAULT_DRAINING_TIMEOUT, memberPorts);
  }

  private void serve(
      HealthMonitorConfig monitor, int ejectAfter, Duration draining, int... memberPorts) {
    List<EndpointConfig> members = new ArrayList<>();
    for (int p : memberPorts) {
      members.add(new EndpointConfig("127.0.0.1", p, 1));
    }
    engine.apply(
        EngineConfig.of(
            List.of(
                new VirtualServiceConfig(
                    "web", List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)), "web")),
            List.of(
                new PoolConfig(
                    "web",
                    LbAlgorithm.ROUND_ROBIN,
                    members,
                    Duration.ofSeconds(1),
                    monitor,
                    ejectAfter,
                    Duration.ofMinutes(5),
                    null,
                    draining))));
  }

  private Endpoint member(TestBackend backend) {
    return engine.pools().get("web").members().stream()
        .filter(m -> m.address().getPort() == backend.port())
        .findFirst()
        .orElseThrow();
  }

  private String hello() throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void anHttpMonitorTakesASickMemberOutAndBringsItBack() throws Exception {
    serve(
        new HealthMonitorConfig(
            HealthMonitorConfig.Type.HTTP,
            Duration.ofMillis(100),
            Duration.ofMillis(100),
            2,
            2,
            "/health"),
        3,
        a.port(),
        b.port());

    b.setHealthy(false);
    await().atMost(WAIT).until(() -> !member(b).healthy());
    for (int i = 0; i < 6; i++) {
      assertThat(hello()).isEqualTo("hello from a");
    }

    b.setHealthy(true);
    await().atMost(WAIT).until(() -> member(b).healthy());
    List<String> answers = List.of(hello(), hello());
    assertThat(answers).containsExactlyInAnyOrder("hello from a", "hello from b");
  }

  @Test
  void aMemberAnswering5xxInARowIsEjected() throws Exception {
    engine.apply(
        EngineConfig.of(
            List.of(
                new VirtualServiceConfig(
                    "web", List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)), "web")),
            List.of(
                new PoolConfig(
                    "web",
                    LbAlgorithm.ROUND_ROBIN,
                    List.of(
                        new EndpointConfig("127.0.0.1", a.port(), 1),
                        new EndpointConfig("127.0.0.1", b.port(), 1)),
                    Duration.ofSeconds(1),
                    List.of(),
                    0,
                    Duration.ofMinutes(5),
                    null,
                    PoolConfig.DEFAULT_DRAINING_TIMEOUT,
                    2))));
    b.setHealthy(false); // its /health answers 503

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      statuses.add(
          client
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode());
    }

    assertThat(statuses.stream().filter(s -> s == 503).count()).isEqualTo(2);
    assertThat(statuses.subList(4, 8)).containsOnly(200);
    assertThat(member(b).up()).isFalse();
    assertThat(member(b).healthy()).isTrue(); // ejected, not found down by a monitor
  }

  @Test
  void aTcpMonitorFindsAMemberThatStoppedListening() {
    serve(
        new HealthMonitorConfig(
            HealthMonitorConfig.Type.TCP,
            Duration.ofMillis(100),
            Duration.ofMillis(100),
            1,
            1,
            "/"),
        3,
        a.port(),
        b.port());
    assertThat(member(b).healthy()).isTrue();

    b.close();

    await().atMost(WAIT).until(() -> !member(b).healthy());
    assertThat(member(a).healthy()).isTrue();
  }

  @Test
  void failingConnectionsEjectAMemberWithoutAnyMonitor() throws Exception {
    int closed = RunningEngine.freePort();
    serve(null, 1, closed, a.port());

    for (int i = 0; i < 10; i++) {
      assertThat(hello()).isEqualTo("hello from a");
    }

    Endpoint dead =
        engine.pools().get("web").members().stream()
            .filter(m -> m.address().getPort() == closed)
            .findFirst()
            .orElseThrow();
    assertThat(dead.connectFailures()).isEqualTo(1); // tried once, then left out
    assertThat(dead.up()).isFalse();
  }

  @Test
  void aMemberRemovedFromThePoolFinishesWhatItWasServing() throws Exception {
    serve(null, 3, a.port());
    a.hold();
    CompletableFuture<HttpResponse<String>> inFlight =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/held")).build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(WAIT).until(() -> member(a).inFlight() == 1);

    serve(null, 3, b.port()); // a leaves the pool while its request runs
    assertThat(hello()).isEqualTo("hello from b");
    a.letGo();

    HttpResponse<String> finished = inFlight.get();
    assertThat(finished.statusCode()).isEqualTo(200);
    assertThat(finished.body()).isEqualTo("let go by a");
  }

  @Test
  void aMemberRemovedKeepsItsInFlightRequestOnlyForThePoolsDrainingTime() throws Exception {
    Duration draining = Duration.ofMillis(500);
    serve(null, 3, draining, a.port());
    a.hold();
    try {
      CompletableFuture<HttpResponse<String>> inFlight =
          client.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/held")).build(),
              HttpResponse.BodyHandlers.ofString());
      await().atMost(WAIT).until(() -> member(a).inFlight() == 1);

      serve(null, 3, draining, b.port()); // a leaves; its request may take 500 ms more

      // a never answers: after the draining time its connection is closed, and the request (a
      // GET, safe to send twice) is answered by b
      HttpResponse<String> moved = inFlight.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(moved.statusCode()).isEqualTo(200);
      assertThat(moved.body()).isEqualTo("let go by b");
    } finally {
      a.letGo();
    }
  }
}
