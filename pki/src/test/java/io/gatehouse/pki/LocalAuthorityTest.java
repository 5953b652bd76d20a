package io.gatehouse.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalAuthorityTest {
  @TempDir Path folder;

  @Test
  void issuesCertificatesTheCaSignedForTheirAddresses() throws Exception {
    LocalAuthority ca = LocalAuthority.in(folder);
    LocalAuthority.Issued policy = ca.issue("policy-svc", List.of("localhost", "127.0.0.1"));

    X509Certificate leaf = read(policy.certificate());
    leaf.verify(read(ca.caCertificate()).getPublicKey());
    assertThat(leaf.getSubjectX500Principal().getName()).contains("CN=policy-svc");
    assertThat(leaf.getSubjectAlternativeNames())
        .extracting(san -> (Object) san.get(1))
        .containsExactlyInAnyOrder((Object) "localhost", "127.0.0.1");
    assertThat(leaf.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
  }

  @Test
  void keysAreReadableByTheirOwnerAlone() throws Exception {
    LocalAuthority ca = LocalAuthority.in(folder);
    LocalAuthority.Issued issued = ca.issue("operator", List.of("localhost"));

    for (Path key : List.of(folder.resolve("ca.key"), issued.privateKey())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void aSecondRunKeepsTheCaAndTheCertificatesThatStillFit() throws Exception {
    LocalAuthority first = LocalAuthority.in(folder);
    byte[] issued =
        Files.readAllBytes(first.issue("se-manager-svc", List.of("localhost")).certificate());
    byte[] caCert = Files.readAllBytes(first.caCertificate());

    LocalAuthority second = LocalAuthority.in(folder);

    assertThat(Files.readAllBytes(second.caCertificate())).isEqualTo(caCert);
    assertThat(
            Files.readAllBytes(second.issue("se-manager-svc", List.of("localhost")).certificate()))
        .isEqualTo(issued);
    assertThat(
            Files.readAllBytes(
                second.issue("se-manager-svc", List.of("localhost", "10.0.0.5")).certificate()))
        .as("other addresses: issued again")
        .isNotEqualTo(issued);
  }

  @Test
  void aNameThatIsNotAFileNameIsRefused() {
    LocalAuthority ca = LocalAuthority.in(folder);

    assertThatThrownBy(() -> ca.issue("../ca", List.of("localhost")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("../ca");
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
