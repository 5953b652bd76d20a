package io.gatehouse.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.CertificateConfig;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.InvalidConfigException;
import io.gatehouse.engine.config.LastGoodConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.StaticConfigFile;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import io.gatehouse.testsupport.TestCertificates;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** TLS terminated by the engine, plain HTTP to the members. */
@ExtendWith(LeakCheck.class)
class TlsTerminationIT {
  @TempDir Path state;

  private static EngineConfig config(int port, int member, CertificateConfig certificate) {
    return EngineConfig.of(
            List.of(
                new VirtualServiceConfig(
                    "shop",
                    List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP, true)),
                    "shop",
                    null,
                    "shop-cert")),
            List.of(RunningEngine.pool("shop", LbAlgorithm.ROUND_ROBIN, member)))
        .withCertificates(List.of(certificate));
  }

  private static HttpClient trusting(String certificatePem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry(
        "shop",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).build();
  }

  @Test
  void clientsSpeakTlsToTheEngineAndMembersLearnTheyDid() throws Exception {
    TestCertificates.Pem pem = TestCertificates.ec("localhost");
    CertificateConfig certificate =
        new CertificateConfig("shop-cert", pem.certificate(), pem.privateKey());
    ServiceEngine engine = RunningEngine.start();
    try (TestBackend member = TestBackend.start("a")) {
      int port = RunningEngine.freePort();
      EngineConfig config = config(port, member.port(), certificate);
      engine.apply(config);

      HttpResponse<String> response =
          trusting(pem.certificate())
              .send(
                  HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/headers"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("x-forwarded-proto: https\n");

      // the admin dump never shows the key; the engine's own state file keeps it, privately
      assertThat(StaticConfigFile.render(config).toString())
          .contains("<redacted>")
          .doesNotContain("PRIVATE KEY");
      LastGoodConfig lastGood = new LastGoodConfig(state);
      lastGood.save(config);
      assertThat(lastGood.load()).contains(config);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lastGood.file())))
          .isEqualTo("rw-------");
    } finally {
      engine.close();
    }
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedNamingTheCertificate() {
    TestCertificates.Pem one = TestCertificates.ec("one.example.com");
    TestCertificates.Pem other = TestCertificates.ec("other.example.com");
    EngineConfig mismatched =
        config(
            10443,
            10080,
            new CertificateConfig("shop-cert", one.certificate(), other.privateKey()));

    assertThatThrownBy(mismatched::validate)
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.violations())
                    .extracting(InvalidConfigException.Violation::field)
                    .containsExactly("certificates.shop-cert"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PRIVATE KEY"));
  }
}
