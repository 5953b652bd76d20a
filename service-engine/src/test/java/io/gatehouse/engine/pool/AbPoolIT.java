package io.gatehouse.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.AbPoolConfig;
import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RawHttpClient;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A canary: a pool's B pool takes its share of the requests. */
@ExtendWith(LeakCheck.class)
class AbPoolIT {
  private final ServiceEngine engine = RunningEngine.start();
  private final int port = RunningEngine.freePort();
  private final TestBackend stable = TestBackend.start("stable");
  private final TestBackend canary = TestBackend.start("canary");

  @AfterEach
  void stop() {
    engine.close();
    stable.close();
    canary.close();
  }

  private void serve(int percent, boolean sticky) {
    engine.apply(
        EngineConfig.of(
            List.of(
                new VirtualServiceConfig(
                    "web", List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)), "web")),
            List.of(
                new PoolConfig(
                    "web",
                    LbAlgorithm.ROUND_ROBIN,
                    List.of(new EndpointConfig("127.0.0.1", stable.port(), 1)),
                    Duration.ofSeconds(1),
                    List.of(),
                    3,
                    Duration.ofSeconds(10),
                    null,
                    PoolConfig.DEFAULT_DRAINING_TIMEOUT,
                    0,
                    new AbPoolConfig("web-v2", percent, sticky)),
                RunningEngine.pool("web-v2", LbAlgorithm.ROUND_ROBIN, canary.port()))));
  }

  private static String hello(RawHttpClient client) throws Exception {
    client.send("GET /hello HTTP/1.1\r\nHost: web\r\n\r\n");
    return client.next().body();
  }

  @Test
  void theBPoolTakesExactlyItsShareOfRequests() throws Exception {
    serve(10, false);
    int canaried = 0;
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      for (int i = 0; i < 200; i++) {
        canaried += hello(client).equals("hello from canary") ? 1 : 0;
      }
    }

    assertThat(canaried).isEqualTo(20);
  }

  @Test
  void aStickyShareKeepsEachClientOnItsSideAndHoldsOverManyClients() throws Exception {
    serve(30, true);
    int canaryClients = 0;
    for (int c = 1; c <= 100; c++) {
      String first = null;
      try (RawHttpClient client = RawHttpClient.over(from("127.0.1." + c))) {
        for (int i = 0; i < 2; i++) {
          String answer = hello(client);
          if (first == null) {
            first = answer;
          }
          assertThat(answer).isEqualTo(first);
        }
      }
      canaryClients += first.equals("hello from canary") ? 1 : 0;
    }

    assertThat(canaryClients).isBetween(30 - 18, 30 + 18); // 30% of 100, within about 4 sigma
  }

  @Test
  void noShareSendsEverythingToThePool() throws Exception {
    serve(0, false);
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      for (int i = 0; i < 20; i++) {
        assertThat(hello(client)).isEqualTo("hello from stable");
      }
    }
  }

  private Socket from(String local) throws Exception {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port));
    return socket;
  }
}
