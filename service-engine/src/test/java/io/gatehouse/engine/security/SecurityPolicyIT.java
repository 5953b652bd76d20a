package io.gatehouse.engine.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.SecurityPolicyConfig;
import io.gatehouse.engine.config.SecurityPolicyConfig.Action;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Micro-segmentation over loopback: clients from 127.0.0.2 may connect, 127.0.0.1 may not. */
@ExtendWith(LeakCheck.class)
class SecurityPolicyIT {
  private static String hello(String fromAddress, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void onlyTheClientsThePolicyAllowsGetThrough() throws Exception {
    ServiceEngine engine = RunningEngine.start();
    try (TestBackend a = TestBackend.start("a")) {
      int port = RunningEngine.freePort();
      engine.apply(
          EngineConfig.of(
              List.of(
                  new VirtualServiceConfig(
                      "web",
                      List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)),
                      "web",
                      "only-two")),
              List.of(RunningEngine.pool("web", LbAlgorithm.ROUND_ROBIN, a.port())),
              List.of(
                  new SecurityPolicyConfig(
                      "only-two",
                      List.of(
                          new SecurityPolicyConfig.Rule(
                              1, "two", Action.ALLOW, List.of("127.0.0.2/32"))),
                      Action.DENY))));

      assertThat(hello("127.0.0.2", port)).startsWith("HTTP/1.1 200").endsWith("hello from a");
      assertThatThrownBy(() -> hello("127.0.0.1", port))
          .isInstanceOf(IOException.class); // reset before any answer
      assertThat(engine.services().get("web").stats().deniedConnections()).isEqualTo(1);
      assertThat(engine.services().get("web").stats().requests()).isEqualTo(1);

      // the policy goes: everyone is let in again
      engine.apply(
          RunningEngine.oneService("web", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, a.port()));
      assertThat(hello("127.0.0.1", port)).endsWith("hello from a");
    } finally {
      engine.close();
    }
  }
}
