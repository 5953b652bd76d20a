package io.gatehouse.policy.api;

import static io.gatehouse.policy.Fixtures.meta;
import static io.gatehouse.policy.PolicyClients.code;
import static io.gatehouse.policy.PolicyClients.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.gatehouse.api.policy.v1.CreateSslKeyAndCertificateRequest;
import io.gatehouse.api.policy.v1.GetSslKeyAndCertificateRequest;
import io.gatehouse.api.policy.v1.GetSslPrivateKeyRequest;
import io.gatehouse.api.policy.v1.ListSslKeyAndCertificatesRequest;
import io.gatehouse.api.policy.v1.SslKeyAndCertificate;
import io.gatehouse.api.policy.v1.UpdateSslKeyAndCertificateRequest;
import io.gatehouse.policy.PolicyClients;
import io.gatehouse.policy.RunningPolicyService;
import io.gatehouse.testsupport.TestCertificates;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

@MicronautTest
class CertificatesIT extends RunningPolicyService {

  @Test
  void privateKeysAreEncryptedAtRestAndNeverReturned() throws Exception {
    TestCertificates.Pem pem = TestCertificates.ec("shop.example.com");

    SslKeyAndCertificate created = create("shop", pem.certificate(), pem.privateKey());

    assertThat(created.getPrivateKeyPem()).isEmpty();
    assertThat(created.getInfo().getSubjectAltNamesList()).containsExactly("shop.example.com");
    assertThat(created.getInfo().getKeyAlgorithm()).isEqualTo("EC P-256");
    assertThat(created.getInfo().getSha256Fingerprint()).hasSize(64);
    assertThat(
            clients
                .operator()
                .getSslKeyAndCertificate(
                    GetSslKeyAndCertificateRequest.newBuilder().setName("shop").build())
                .getPrivateKeyPem())
        .isEmpty();
    assertThat(
            clients
                .operator()
                .listSslKeyAndCertificates(ListSslKeyAndCertificatesRequest.getDefaultInstance())
                .getSslKeyAndCertificates(0)
                .getPrivateKeyPem())
        .isEmpty();
    String keyBody = pem.privateKey().lines().skip(1).findFirst().orElseThrow();
    try (Connection c = database.connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT body, secret FROM policy.objects WHERE name = 'shop' AND kind = 5")) {
      rs.next();
      assertThat(new String(rs.getBytes("body"), StandardCharsets.ISO_8859_1))
          .doesNotContain(keyBody);
      assertThat(new String(rs.getBytes("secret"), StandardCharsets.ISO_8859_1))
          .doesNotContain("PRIVATE KEY")
          .doesNotContain(keyBody);
    }
    try (Connection c = database.connect();
        ResultSet rs = c.createStatement().executeQuery("SELECT object FROM policy.changes")) {
      while (rs.next()) {
        assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain(keyBody);
      }
    }
  }

  @Test
  void onlySeManagerReadsTheDecryptedKey() {
    TestCertificates.Pem pem = TestCertificates.rsaPkcs1("api.example.com");
    create("api", pem.certificate(), pem.privateKey());

    String key =
        clients
            .secrets(PolicyClients.SE_MANAGER)
            .getSslPrivateKey(GetSslPrivateKeyRequest.newBuilder().setName("api").build())
            .getPrivateKeyPem();
    assertThat(key).isEqualTo(pem.privateKey());

    StatusRuntimeException denied =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .secrets(PolicyClients.OPERATOR)
                    .getSslPrivateKey(GetSslPrivateKeyRequest.newBuilder().setName("api").build()));
    assertThat(code(denied)).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void aKeyThatDoesNotMatchTheCertificateIsRejectedWithoutQuotingIt() throws Exception {
    TestCertificates.Pem one = TestCertificates.ec("one.example.com");
    TestCertificates.Pem other = TestCertificates.ec("other.example.com");

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> create("mismatch", one.certificate(), other.privateKey()));

    assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    BadRequest.FieldViolation v =
        details(e).getDetails(0).unpack(BadRequest.class).getFieldViolations(0);
    assertThat(v.getField()).isEqualTo("ssl_key_and_certificate.private_key_pem");
    assertThat(v.getDescription()).contains("does not belong");
    assertThat(e.getMessage()).doesNotContain("PRIVATE KEY");
  }

  @Test
  void garbageIsNotACertificate() throws Exception {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> create("garbage", "hello", "world"));

    assertThat(details(e).getDetails(0).unpack(BadRequest.class).getFieldViolations(0).getField())
        .isEqualTo("ssl_key_and_certificate.certificate_pem");
  }

  @Test
  void anUpdateWithoutAKeyKeepsTheStoredOneAndStillChecksItMatches() {
    TestCertificates.Pem first = TestCertificates.ec("rotate.example.com");
    SslKeyAndCertificate created = create("rotate", first.certificate(), first.privateKey());

    SslKeyAndCertificate described =
        clients
            .operator()
            .updateSslKeyAndCertificate(
                UpdateSslKeyAndCertificateRequest.newBuilder()
                    .setSslKeyAndCertificate(
                        created.toBuilder()
                            .setMeta(created.getMeta().toBuilder().setDescription("renewed")))
                    .build());
    assertThat(described.getMeta().getDescription()).isEqualTo("renewed");

    TestCertificates.Pem second = TestCertificates.ec("rotate.example.com");
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .operator()
                    .updateSslKeyAndCertificate(
                        UpdateSslKeyAndCertificateRequest.newBuilder()
                            .setSslKeyAndCertificate(
                                described.toBuilder().setCertificatePem(second.certificate()))
                            .build()));
    assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  private SslKeyAndCertificate create(String name, String certificate, String key) {
    return clients
        .operator()
        .createSslKeyAndCertificate(
            CreateSslKeyAndCertificateRequest.newBuilder()
                .setSslKeyAndCertificate(
                    SslKeyAndCertificate.newBuilder()
                        .setMeta(meta(name))
                        .setCertificatePem(certificate)
                        .setPrivateKeyPem(key))
                .build());
  }
}
