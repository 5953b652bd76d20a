package io.gatehouse.engine.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.CertificateConfig;
import io.gatehouse.engine.config.ClientLogPolicy;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.testing.H2Client;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RawHttpClient;
import io.gatehouse.engine.testing.RecordingMember;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import io.gatehouse.testsupport.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** HTTP/2 from clients, over TLS by ALPN and in clear with prior knowledge, to HTTP/1.1 members. */
@ExtendWith(LeakCheck.class)
class Http2IT {
  private final ServiceEngine engine = RunningEngine.start();
  private final int port = RunningEngine.freePort();
  private final int tlsPort = RunningEngine.freePort();
  private final TestBackend backend = TestBackend.start("web");

  @AfterEach
  void stop() {
    engine.close();
    backend.close();
  }

  private void serve(int memberPort) throws Exception {
    TestCertificates.Pem pem = TestCertificates.ec("web.example.com");
    engine.apply(
        EngineConfig.of(
                List.of(
                    new VirtualServiceConfig(
                        "web",
                        List.of(
                            new ListenerConfig("127.0.0.1", port, Protocol.HTTP),
                            new ListenerConfig("127.0.0.1", tlsPort, Protocol.HTTP, true)),
                        "web",
                        null,
                        List.of("web"),
                        ClientLogPolicy.SIGNIFICANT,
                        null)),
                List.of(RunningEngine.pool("web", LbAlgorithm.ROUND_ROBIN, memberPort)))
            .withCertificates(
                List.of(new CertificateConfig("web", pem.certificate(), pem.privateKey()))));
  }

  @Test
  void aTlsClientGetsHttp2ByAlpnAndAnOlderOneHttp11OnTheSameListener() throws Exception {
    serve(backend.port());
    for (HttpClient.Version version :
        List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
      HttpClient client = HttpClient.newBuilder().version(version).sslContext(trustAll()).build();
      HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + "/hello")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("hello from web");
      assertThat(answer.version()).isEqualTo(version);
    }
  }

  @Test
  void aCleartextClientWithPriorKnowledgeIsServedStreamByStreamAndHttp11StillIs() throws Exception {
    serve(backend.port());
    try (H2Client client = H2Client.connect(port)) {
      client.request(1, "GET", "/hello", true);
      client.request(3, "GET", "/hello", true);
      assertThat(client.response(1).body()).isEqualTo("hello from web");
      assertThat(client.response(3).status()).isEqualTo(200);
    }
    try (RawHttpClient http1 = RawHttpClient.connect(port)) {
      http1.send("GET /hello HTTP/1.1\r\nHost: web\r\n\r\n");
      assertThat(http1.next().body()).isEqualTo("hello from web");
    }
    assertThat(engine.services().get("web").stats().connectionsOpened()).isEqualTo(2);
  }

  @Test
  void aBodyWithoutLengthReachesTheMemberChunkedAndNoHttp2HeaderCrossesOver() throws Exception {
    try (RecordingMember member = new RecordingMember()) {
      serve(member.port());
      try (H2Client client = H2Client.connect(port)) {
        client.request(1, "POST", "/upload", false, "x-http2-stream-id", "7");
        client.frame(H2Client.DATA, H2Client.END_STREAM, 1, "hello".getBytes());
        assertThat(client.response(1).status()).isEqualTo(200);
      }
      String seen = member.requests().get(0);
      assertThat(seen).startsWith("POST /upload HTTP/1.1\r\n");
      assertThat(seen.toLowerCase())
          .contains("host: web\r\n")
          .contains("transfer-encoding: chunked");
      assertThat(seen.toLowerCase()).doesNotContain("x-http2");
      assertThat(seen).endsWith("5\r\nhello\r\n0\r\n\r\n");
    }
  }

  @Test
  void aBodyLargerThanTheStreamWindowIsTakenAsTheMemberReadsIt() throws Exception {
    try (RecordingMember member = new RecordingMember()) {
      serve(member.port());
      byte[] body = new byte[1 << 20]; // 16 windows of 65,535 bytes: given back as it goes
      java.util.Arrays.fill(body, (byte) 'b');
      HttpClient client =
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trustAll()).build();
      HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + "/upload"))
                  .timeout(java.time.Duration.ofSeconds(30))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(member.requests().get(0)).endsWith("\r\n\r\n" + new String(body));
    }
  }

  @Test
  void anAnswerBeforeTheBodyIsThroughStopsTheStreamWithoutAnErrorAndNotItsConnection()
      throws Exception {
    serve(RunningEngine.freePort()); // nobody there: the engine answers 502 at once
    try (H2Client client = H2Client.connect(port)) {
      client.request(1, "POST", "/upload", false); // a body announced, never sent
      assertThat(client.response(1).status()).isEqualTo(502);
      H2Client.Frame reset = client.next();
      assertThat(reset.type()).isEqualTo(H2Client.RST_STREAM);
      assertThat(reset.stream()).isEqualTo(1);
      assertThat(java.nio.ByteBuffer.wrap(reset.payload()).getInt()).isZero(); // NO_ERROR
      client.request(3, "GET", "/hello", true);
      assertThat(client.response(3).status()).isEqualTo(502);
    }
  }

  @Test
  void aMemberThatSwitchesProtocolsOnAStreamIsABadGateway() throws Exception {
    try (RecordingMember member = new RecordingMember()) {
      member.answerWith(
          "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
      serve(member.port());
      try (H2Client client = H2Client.connect(port)) {
        client.request(1, "GET", "/chat", true);
        H2Client.Response answer = client.response(1);
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.body()).contains("malformed response");
      }
    }
  }

  private static SSLContext trustAll() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        null,
        new TrustManager[] {
          new X509ExtendedTrustManager() { // extended: no host name check either
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkClientTrusted(
                X509Certificate[] chain, String authType, java.net.Socket socket) {}

            @Override
            public void checkServerTrusted(
                X509Certificate[] chain, String authType, java.net.Socket socket) {}

            @Override
            public void checkClientTrusted(
                X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {}

            @Override
            public void checkServerTrusted(
                X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    return context;
  }
}
