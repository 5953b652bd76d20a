package io.gatehouse.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A protocol upgrade (a WebSocket handshake) turns both connections into a byte relay. */
@ExtendWith(LeakCheck.class)
class UpgradeIT {
  private static final String HANDSHAKE =
      "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

  @Test
  void aWebSocketHandshakeSwitchesAndBytesFlowBothWaysUntilTheClientCloses() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      // the member: answers the handshake with 101, then echoes every byte upper-cased
      CompletableFuture<String> seenHead =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket member = backend.accept()) {
                  String head = readHead(member.getInputStream());
                  member
                      .getOutputStream()
                      .write(
                          ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                  + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
                              .getBytes(StandardCharsets.US_ASCII));
                  InputStream in = member.getInputStream();
                  int b;
                  while ((b = in.read()) >= 0) {
                    member.getOutputStream().write(Character.toUpperCase(b));
                  }
                  return head;
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      ServiceEngine engine = RunningEngine.start();
      try {
        int port = RunningEngine.freePort();
        engine.apply(
            RunningEngine.oneService(
                "chat", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, backend.getLocalPort()));
        try (Socket client = new Socket("127.0.0.1", port)) {
          client.setSoTimeout(10_000);
          client.getOutputStream().write(HANDSHAKE.getBytes(StandardCharsets.US_ASCII));
          String answer = readHead(client.getInputStream());
          assertThat(answer).startsWith("HTTP/1.1 101").containsIgnoringCase("upgrade: websocket");

          client.getOutputStream().write("hello, frames".getBytes(StandardCharsets.US_ASCII));
          byte[] echoed = client.getInputStream().readNBytes(13);
          assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("HELLO, FRAMES");
        }
        assertThat(seenHead.get())
            .containsIgnoringCase("upgrade: websocket")
            .containsIgnoringCase("connection: upgrade")
            .containsIgnoringCase("sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(engine.services().get("chat").stats().responses(1)).isEqualTo(1);
      } finally {
        engine.close();
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the end of the head: " + head);
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
