package io.gatehouse.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.CertificateConfig;
import io.gatehouse.engine.config.ClientLogPolicy;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualHostConfig;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RawHttpClient;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import io.gatehouse.testsupport.TestCertificates;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One TLS listener, several certificates: the client's server name picks one. */
@ExtendWith(LeakCheck.class)
class ServerNameIT {
  private final ServiceEngine engine = RunningEngine.start();
  private final int port = RunningEngine.freePort();
  private final TestBackend front = TestBackend.start("front");
  private final TestBackend shop = TestBackend.start("shop");

  @AfterEach
  void stop() {
    engine.close();
    front.close();
    shop.close();
  }

  private EngineConfig config(TestCertificates.Pem shopPem, CertificateConfig... others) {
    List<CertificateConfig> certificates = new java.util.ArrayList<>(List.of(others));
    certificates.add(new CertificateConfig("shop", shopPem.certificate(), shopPem.privateKey()));
    return EngineConfig.of(
            List.of(
                new VirtualServiceConfig(
                    "front",
                    List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP, true)),
                    "front",
                    null,
                    List.of("front", "blogs"),
                    ClientLogPolicy.SIGNIFICANT,
                    null),
                VirtualServiceConfig.child(
                    "shop",
                    "shop",
                    new VirtualHostConfig("front", List.of("shop.example.com"), ""),
                    List.of("shop"))),
            List.of(
                RunningEngine.pool("front", LbAlgorithm.ROUND_ROBIN, front.port()),
                RunningEngine.pool("shop", LbAlgorithm.ROUND_ROBIN, shop.port())))
        .withCertificates(certificates);
  }

  private static CertificateConfig certificate(String name, TestCertificates.Pem pem) {
    return new CertificateConfig(name, pem.certificate(), pem.privateKey());
  }

  @Test
  void theServerNamePicksTheCertificateAndARotatedOneServesNewHandshakesOnly() throws Exception {
    TestCertificates.Pem frontPem = TestCertificates.ec("front.example.com");
    TestCertificates.Pem blogsPem = TestCertificates.ec("*.blog.example.com");
    TestCertificates.Pem shopPem = TestCertificates.ec("shop.example.com");
    CertificateConfig frontCert = certificate("front", frontPem);
    CertificateConfig blogsCert = certificate("blogs", blogsPem);
    engine.apply(config(shopPem, frontCert, blogsCert));

    assertThat(presented(null)).isEqualTo(leaf(frontPem)); // no name: the default
    assertThat(presented("unknown.example.com")).isEqualTo(leaf(frontPem));
    assertThat(presented("news.blog.example.com")).isEqualTo(leaf(blogsPem));
    assertThat(presented("a.news.blog.example.com")).isEqualTo(leaf(frontPem)); // one label only
    assertThat(presented("SHOP.example.com")).isEqualTo(leaf(shopPem));

    try (SSLSocket open = handshake("shop.example.com");
        RawHttpClient client = RawHttpClient.over(open)) {
      assertThat(get(client)).isEqualTo("200 hello from shop");
      TestCertificates.Pem rotated = TestCertificates.ec("shop.example.com");
      engine.apply(config(rotated, frontCert, blogsCert));

      assertThat(get(client)).isEqualTo("200 hello from shop"); // the open connection goes on
      assertThat(open.getSession().getPeerCertificates()[0]).isEqualTo(leaf(shopPem));
      assertThat(presented("shop.example.com")).isEqualTo(leaf(rotated));
    }
  }

  private static String get(RawHttpClient client) throws Exception {
    client.send("GET /hello HTTP/1.1\r\nHost: shop.example.com\r\n\r\n");
    RawHttpClient.Answer answer = client.next();
    return answer.status() + " " + answer.body();
  }

  private X509Certificate presented(String serverName) throws Exception {
    try (SSLSocket socket = handshake(serverName)) {
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private SSLSocket handshake(String serverName) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new TrustingEveryone()}, null);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(
        serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  private static X509Certificate leaf(TestCertificates.Pem pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(pem.certificate().getBytes(StandardCharsets.US_ASCII)));
  }

  /** The test checks which certificate came, not whether it is trusted. */
  private static final class TrustingEveryone implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
