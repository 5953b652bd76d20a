package io.gatehouse.engine.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** UDP through the engine: a session per client, answers back to the right client. */
@ExtendWith(LeakCheck.class)
class UdpProxyIT {
  /** A member that answers each datagram with its name and the datagram upper-cased. */
  private static DatagramSocket member(String name, ExecutorService threads) throws IOException {
    DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.execute(
        () -> {
          byte[] buffer = new byte[2048];
          while (!socket.isClosed()) {
            try {
              DatagramPacket in = new DatagramPacket(buffer, buffer.length);
              socket.receive(in);
              String text = new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
              byte[] answer = (name + ":" + text.toUpperCase()).getBytes(StandardCharsets.UTF_8);
              socket.send(new DatagramPacket(answer, answer.length, in.getSocketAddress()));
            } catch (IOException e) {
              return;
            }
          }
        });
    return socket;
  }

  private static String ask(DatagramSocket client, int port, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    client.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
    client.receive(answer);
    return new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8);
  }

  @Test
  void eachClientKeepsItsMemberAndGetsItsOwnAnswers() throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool();
    ServiceEngine engine = RunningEngine.start();
    try (DatagramSocket a = member("a", threads);
        DatagramSocket b = member("b", threads)) {
      int port = RunningEngine.freePort();
      engine.apply(
          RunningEngine.oneService(
              "dns",
              Protocol.UDP,
              port,
              LbAlgorithm.ROUND_ROBIN,
              a.getLocalPort(),
              b.getLocalPort()));
      Set<String> members = new HashSet<>();
      for (int c = 0; c < 4; c++) {
        try (DatagramSocket client = new DatagramSocket()) {
          client.setSoTimeout(5_000);
          String first = ask(client, port, "query " + c);
          String member = first.substring(0, 1);
          assertThat(first).isEqualTo(member + ":QUERY " + c);
          for (int i = 0; i < 3; i++) {
            assertThat(ask(client, port, "again " + i)).isEqualTo(member + ":AGAIN " + i);
          }
          members.add(member);
        }
      }
      assertThat(members).containsExactlyInAnyOrder("a", "b"); // sessions spread round robin
      assertThat(engine.services().get("dns").stats().connectionsOpened()).isEqualTo(4);
    } finally {
      engine.close();
      threads.shutdownNow();
    }
  }
}
