package io.gatehouse.discovery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Answers are read in full only within the limit. */
class BoundedBodyTest {
  private HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext(
        "/",
        exchange -> {
          int n = Integer.parseInt(exchange.getRequestURI().getQuery().substring(2));
          exchange.sendResponseHeaders(200, 0); // chunked: the length is not known up front
          try (var out = exchange.getResponseBody()) {
            byte[] block = new byte[4096];
            java.util.Arrays.fill(block, (byte) 'a');
            for (int left = n; left > 0; left -= block.length) {
              out.write(block, 0, Math.min(block.length, left));
            }
          } catch (IOException cancelled) {
            // the client stopped reading: what the limit is for
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HttpRequest get(int n) {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/?n=" + n))
        .build();
  }

  @Test
  void anAnswerWithinTheLimitIsReadWhole() throws Exception {
    assertThat(http.send(get(100_000), BoundedBody.ofString(100_000)).body()).hasSize(100_000);
  }

  @Test
  void anAnswerBeyondTheLimitFailsTheRequest() {
    assertThatThrownBy(() -> http.send(get(5_000_000), BoundedBody.ofString(1_000_000)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("larger than 1000000 bytes");
  }
}
