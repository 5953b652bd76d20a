package io.gatehouse.engine.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.listener.ServiceStats.Refusal;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RawHttpClient;
import io.gatehouse.engine.testing.RecordingMember;
import io.gatehouse.engine.testing.RunningEngine;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Resource limits, each pushed past its bound over loopback: refused, counted, and bounded. */
@ExtendWith(LeakCheck.class)
class ResourceLimitsIT {
  /** 2 connections per listener, 1 s of relay silence, 3 UDP sessions, 2 per source network. */
  private static final ResourceLimits TIGHT =
      new ResourceLimits(2, Duration.ofSeconds(1), 3, 2, Duration.ofSeconds(60));

  private final ServiceEngine engine =
      new ServiceEngine(Transport.best(), 2, RunningEngine.SETTINGS, TIGHT);
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final int port = RunningEngine.freePort();

  @AfterEach
  void stop() {
    engine.close();
    threads.shutdownNow();
  }

  private ServiceStats stats(String service) {
    return engine.services().get(service).stats();
  }

  @Test
  void aListenerTakesNoMoreConnectionsThanItsLimitAndCountsTheOnesItRefuses() throws Exception {
    try (RecordingMember member = new RecordingMember()) {
      engine.apply(
          RunningEngine.oneService(
              "web", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, member.port()));
      try (RawHttpClient first = RawHttpClient.connect(port);
          RawHttpClient second = RawHttpClient.connect(port)) {
        await().until(() -> stats("web").connectionsOpen() == 2);

        try (RawHttpClient third = RawHttpClient.connect(port)) {
          assertThat(third.endedByPeer()).as("the third connection is reset").isTrue();
        }
        await().until(() -> stats("web").refusals(Refusal.LISTENER_FULL) == 1);

        first.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(first.next().status()).as("those admitted are served").isEqualTo(200);
      }
      await().until(() -> stats("web").connectionsOpen() == 0);
      try (RawHttpClient again = RawHttpClient.connect(port)) {
        again.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(again.next().status()).as("a closed connection frees its place").isEqualTo(200);
      }
    }
  }

  @Test
  void aTcpRelayWithNothingMovingIsClosedAfterTheIdleTimeout() throws Exception {
    try (ServerSocket member = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      threads.submit(
          () -> {
            try (Socket accepted = member.accept();
                InputStream in = accepted.getInputStream()) {
              in.transferTo(accepted.getOutputStream()); // an echo that never speaks first
            }
            return null;
          });
      engine.apply(
          RunningEngine.oneService(
              "db", Protocol.TCP, port, LbAlgorithm.ROUND_ROBIN, member.getLocalPort()));
      try (Socket client = new Socket("127.0.0.1", port)) {
        client.setSoTimeout(10_000);
        client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII))
            .isEqualTo("ping");

        assertThat(client.getInputStream().read()).as("closed once idle").isEqualTo(-1);
      }
    }
  }

  @Test
  void anUpgradedConnectionWithNothingMovingIsClosedAfterTheIdleTimeout() throws Exception {
    try (RecordingMember member = new RecordingMember()) {
      member.answerWith(
          "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
              + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
      engine.apply(
          RunningEngine.oneService(
              "ws", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, member.port()));
      try (RawHttpClient client = RawHttpClient.connect(port)) {
        client.send(
            "GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        assertThat(client.next().status()).isEqualTo(101);

        assertThat(client.endedByPeer()).as("closed once idle").isTrue();
      }
      await().until(() -> member.closed() == 1);
    }
  }

  @Test
  void udpSessionsAreCappedPerSourceNetworkAndPerListener() throws Exception {
    try (DatagramSocket member = echo()) {
      engine.apply(
          RunningEngine.oneService(
              "dns", Protocol.UDP, port, LbAlgorithm.ROUND_ROBIN, member.getLocalPort()));
      try (DatagramSocket a1 = client("127.0.0.1");
          DatagramSocket a2 = client("127.0.0.1");
          DatagramSocket a3 = client("127.0.0.1");
          DatagramSocket b1 = client("127.0.1.1");
          DatagramSocket c1 = client("127.0.2.1")) {
        assertThat(ask(a1, "a1")).isEqualTo("a1");
        assertThat(ask(a2, "a2")).isEqualTo("a2");

        send(a3, "a3"); // a third session from 127.0.0.0/24
        await().until(() -> stats("dns").refusals(Refusal.UDP_SOURCE_NETWORK_FULL) == 1);

        assertThat(ask(b1, "b1")).as("another network still gets in").isEqualTo("b1");
        send(c1, "c1"); // a fourth session on the listener
        await().until(() -> stats("dns").refusals(Refusal.UDP_SESSIONS_FULL) == 1);

        assertThat(ask(a1, "again")).as("open sessions go on").isEqualTo("again");
        assertThat(stats("dns").connectionsOpened()).isEqualTo(3);
      }
    }
  }

  private DatagramSocket echo() throws IOException {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    threads.submit(
        () -> {
          byte[] buffer = new byte[512];
          while (!socket.isClosed()) {
            DatagramPacket in = new DatagramPacket(buffer, buffer.length);
            socket.receive(in);
            socket.send(new DatagramPacket(in.getData(), in.getLength(), in.getSocketAddress()));
          }
          return null;
        });
    return socket;
  }

  private static DatagramSocket client(String address) throws IOException {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0));
    socket.setSoTimeout(5_000);
    return socket;
  }

  private void send(DatagramSocket client, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    client.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
  }

  private String ask(DatagramSocket client, String text) throws IOException {
    send(client, text);
    DatagramPacket answer = new DatagramPacket(new byte[512], 512);
    client.receive(answer);
    return new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII);
  }
}
