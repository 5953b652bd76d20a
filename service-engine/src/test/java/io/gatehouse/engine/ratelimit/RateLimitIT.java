package io.gatehouse.engine.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.ClientLogPolicy;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.RateLimitConfig;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RawHttpClient;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rate limits over real connections. Buckets refill with real time, so each check allows for the
 * time the test took: the first requests (the burst) always pass, and more than the burst and what
 * the elapsed time refilled never do.
 */
@ExtendWith(LeakCheck.class)
class RateLimitIT {
  private final ServiceEngine engine = RunningEngine.start();
  private final int port = RunningEngine.freePort();
  private final TestBackend member = TestBackend.start("m");

  @AfterEach
  void stop() {
    engine.close();
    member.close();
  }

  private void serve(RateLimitConfig limits) {
    engine.apply(
        EngineConfig.of(
            List.of(
                new VirtualServiceConfig(
                    "web",
                    List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)),
                    "web",
                    null,
                    List.of(),
                    ClientLogPolicy.SIGNIFICANT,
                    null,
                    limits)),
            List.of(RunningEngine.pool("web", LbAlgorithm.ROUND_ROBIN, member.port()))));
  }

  private ServiceStats stats() {
    return engine.services().get("web").stats();
  }

  @Test
  void requestsOverTheServiceRateAre429AndNoneWithinIt() throws Exception {
    serve(new RateLimitConfig(0, 1, 0, 4, 0, 0)); // 1/s and a burst of 4: five at once
    List<Integer> statuses = new ArrayList<>();
    long start = System.nanoTime();
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      for (int i = 0; i < 20; i++) {
        client.send("GET /hello HTTP/1.1\r\nHost: web\r\n\r\n");
        RawHttpClient.Answer answer = client.next();
        statuses.add(answer.status());
        if (answer.status() == 429) {
          assertThat(answer.headers()).containsEntry("retry-after", "1");
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(statuses.subList(0, 5)).containsOnly(200);
    long admitted = statuses.stream().filter(s -> s == 200).count();
    assertThat(admitted).isLessThanOrEqualTo(5 + (long) Math.ceil(seconds));
    assertThat(statuses).containsOnly(200, 429);
    assertThat(stats().limitedRequests(ServiceStats.RequestLimit.REQUEST_RATE))
        .isEqualTo(20 - admitted);
    assertThat(stats().rateLimited()).isEqualTo(20 - admitted);
  }

  @Test
  void oneClientOverItsRateIsRefusedWhileAnotherIsServed() throws Exception {
    serve(new RateLimitConfig(0, 0, 0, 2, 0, 1)); // per client: 1/s, a burst of 2
    int first = 0;
    long start = System.nanoTime();
    try (RawHttpClient hasty = RawHttpClient.over(from("127.0.0.1"))) {
      for (int i = 0; i < 10; i++) {
        hasty.send("GET /hello HTTP/1.1\r\nHost: web\r\n\r\n");
        first += hasty.next().status() == 200 ? 1 : 0;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    try (RawHttpClient calm = RawHttpClient.over(from("127.0.0.2"))) {
      for (int i = 0; i < 3; i++) {
        calm.send("GET /hello HTTP/1.1\r\nHost: web\r\n\r\n");
        assertThat(calm.next().status()).isEqualTo(200);
      }
    }

    assertThat(first).isBetween(3, 3 + (int) Math.ceil(seconds));
    assertThat(stats().limitedRequests(ServiceStats.RequestLimit.CLIENT_REQUEST_RATE))
        .isEqualTo(10 - first);
  }

  @Test
  void connectionsBeyondTheServicesOpenLimitAreResetUntilOneCloses() throws Exception {
    serve(new RateLimitConfig(0, 0, 2, 0, 0, 0));
    try (RawHttpClient one = RawHttpClient.connect(port);
        RawHttpClient two = RawHttpClient.connect(port)) {
      one.send("GET /hello HTTP/1.1\r\nHost: web\r\n\r\n");
      assertThat(one.next().status()).isEqualTo(200);
      two.send("GET /hello HTTP/1.1\r\nHost: web\r\n\r\n");
      assertThat(two.next().status()).isEqualTo(200);

      try (RawHttpClient third = RawHttpClient.connect(port)) {
        assertThat(third.endedByPeer()).isTrue();
      }
      assertThat(stats().refusals(ServiceStats.Refusal.SERVICE_FULL)).isEqualTo(1);
      assertThat(stats().connectionsOpen()).isEqualTo(2); // the refused one was never counted
    }
    await()
        .untilAsserted(
            () -> {
              try (RawHttpClient again = RawHttpClient.connect(port)) {
                again.send("GET /hello HTTP/1.1\r\nHost: web\r\n\r\n");
                assertThat(again.next().status()).isEqualTo(200);
              }
            });
  }

  @Test
  void newConnectionsOverTheClientsRateAreReset() throws Exception {
    serve(new RateLimitConfig(0, 0, 0, 1, 1, 0)); // per client: 1 connection/s, a burst of 1
    long start = System.nanoTime();
    int served = 0;
    for (int i = 0; i < 6; i++) {
      try (RawHttpClient client = RawHttpClient.over(from("127.0.0.3"))) {
        served += answered(client) ? 1 : 0;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(served).isBetween(2, 2 + (int) Math.ceil(seconds));
    assertThat(stats().refusals(ServiceStats.Refusal.CLIENT_CONNECTION_RATE)).isEqualTo(6 - served);
  }

  /** Whether the engine answers a request on {@code client}, rather than resetting it. */
  private static boolean answered(RawHttpClient client) {
    try {
      client.send("GET /hello HTTP/1.1\r\nHost: web\r\n\r\n");
      return !client.endedByPeer();
    } catch (java.io.IOException reset) {
      return false;
    }
  }

  private Socket from(String local) throws Exception {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port));
    return socket;
  }
}
