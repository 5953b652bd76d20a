package io.gatehouse.engine.platform;

import io.gatehouse.testsupport.PolicyServiceProcess;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The calls the platform tests make as an operator: gRPC with the operator's token, plain HTTP. */
final class PlatformCalls {
  private PlatformCalls() {}

  static Channel asOperator(Channel channel) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + PolicyServiceProcess.OPERATOR);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Sends a JSON request ({@code body} null for none) and returns the response body. */
  static String send(HttpClient http, String method, String url, String body)
      throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * One GET to 127.0.0.1:{@code port} from {@code source} (a loopback address: a simulated task's,
   * or one no task has); the status line, or null while nothing answers there yet.
   */
  static String getFrom(String source, int port) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return response.lines().findFirst().orElse(null);
    } catch (IOException notYet) {
      return null;
    }
  }
}
