package io.gatehouse.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** TCP proxying over loopback to a real server that answers once the client has finished. */
@ExtendWith(LeakCheck.class)
class TcpProxyIT {
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private ServiceEngine engine;
  private ServerSocket backend;
  private int port;

  @BeforeEach
  void start() throws IOException {
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    // reads everything the client sends (until its half-close), then answers and closes
    threads.execute(
        () -> {
          while (!backend.isClosed()) {
            try {
              Socket connection = backend.accept();
              threads.execute(() -> answerAfterEnd(connection));
            } catch (IOException e) {
              return;
            }
          }
        });
    engine = RunningEngine.start();
    port = RunningEngine.freePort();
    engine.apply(
        RunningEngine.oneService(
            "db", Protocol.TCP, port, LbAlgorithm.LEAST_CONNECTIONS, backend.getLocalPort()));
  }

  private static void answerAfterEnd(Socket connection) {
    try (connection) {
      byte[] received = connection.getInputStream().readAllBytes();
      connection
          .getOutputStream()
          .write(("got " + received.length + " bytes").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // the test sees it
    }
  }

  @AfterEach
  void stop() throws IOException {
    engine.close();
    backend.close();
    threads.shutdownNow();
  }

  @Test
  void bytesAndAHalfCloseTravelThroughAndTheAnswerComesBack() throws IOException {
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      byte[] payload = new byte[3 * 1024 * 1024];
      client.getOutputStream().write(payload);
      client.shutdownOutput(); // the server answers only after this reaches it

      InputStream in = client.getInputStream();
      assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("got " + payload.length + " bytes");
    }
    assertThat(engine.services().get("db").stats().bytesIn()).isEqualTo(3 * 1024 * 1024);
  }

  @Test
  void withNoMemberReachableTheClientConnectionEnds() throws IOException {
    engine.apply(
        RunningEngine.oneService(
            "db", Protocol.TCP, port, LbAlgorithm.ROUND_ROBIN, RunningEngine.freePort()));
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      assertThat(client.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(engine.pools().get("db").members().get(0).connectFailures()).isEqualTo(1);
  }

  @Test
  void aRelayToARemovedMemberEndsWithThePoolsDrainingTime() throws IOException {
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      client.getOutputStream().write(new byte[] {1, 2, 3}); // the member waits for more
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> engine.pools().get("db").members().get(0).inFlight() == 1);

      // the member leaves the pool; its relay may run 300 ms more
      var moved = RunningEngine.pool("db", LbAlgorithm.ROUND_ROBIN, RunningEngine.freePort());
      engine.apply(
          io.gatehouse.engine.config.EngineConfig.of(
              engine.current().virtualServices().values().stream().toList(),
              java.util.List.of(
                  new io.gatehouse.engine.config.PoolConfig(
                      "db",
                      moved.algorithm(),
                      moved.endpoints(),
                      moved.connectTimeout(),
                      null,
                      3,
                      java.time.Duration.ofSeconds(10),
                      null,
                      java.time.Duration.ofMillis(300)))));

      assertThat(client.getInputStream().read()).isEqualTo(-1); // ended, not left open
    }
  }
}
