package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.SslKeyAndCertificate;
import io.gatehouse.policy.secret.CertificateParser;
import io.gatehouse.policy.secret.CertificateParser.BadPemException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Certificates with their private keys. The key is the kind's secret: it is taken from the input,
 * stored encrypted, and never part of what is stored in clear or returned.
 */
public final class SslKeyAndCertificateKind extends PolicyKind<SslKeyAndCertificate> {
  static final int MAX_PEM_CHARS = 256 * 1024;

  public SslKeyAndCertificateKind() {
    super(
        ObjectKind.OBJECT_KIND_SSL_KEY_AND_CERTIFICATE,
        "ssl_key_and_certificate",
        SslKeyAndCertificate.getDefaultInstance());
  }

  @Override
  public SslKeyAndCertificate clearOutputOnly(SslKeyAndCertificate cert) {
    return cert.toBuilder().clearInfo().build();
  }

  @Override
  public SslKeyAndCertificate redact(SslKeyAndCertificate cert) {
    return cert.toBuilder().clearPrivateKeyPem().build();
  }

  @Override
  public boolean hasSecret() {
    return true;
  }

  @Override
  public String secret(SslKeyAndCertificate cert) {
    return cert.getPrivateKeyPem();
  }

  @Override
  public void validate(SslKeyAndCertificate cert, Violations v) {
    v.require(
        cert.getCertificatePem().length() <= MAX_PEM_CHARS,
        "certificate_pem",
        "must be at most " + MAX_PEM_CHARS + " characters");
    v.require(
        cert.getPrivateKeyPem().length() <= MAX_PEM_CHARS,
        "private_key_pem",
        "must be at most " + MAX_PEM_CHARS + " characters");
  }

  @Override
  public SslKeyAndCertificate complete(SslKeyAndCertificate cert, String keyPem, Violations v) {
    List<X509Certificate> chain;
    try {
      chain = CertificateParser.parseChain(cert.getCertificatePem());
    } catch (BadPemException e) {
      v.add("certificate_pem", e.getMessage());
      return cert;
    }
    if (keyPem.isEmpty()) {
      v.add("private_key_pem", "is required: the PEM private key of the certificate");
      return cert;
    }
    PrivateKey key;
    try {
      key = CertificateParser.parsePrivateKey(keyPem);
    } catch (BadPemException e) {
      v.add("private_key_pem", e.getMessage()); // the message never quotes the key
      return cert;
    }
    v.require(
        CertificateParser.matches(chain.get(0), key),
        "private_key_pem",
        "does not belong to the certificate: its public key differs from the certificate's");
    return cert.toBuilder().setInfo(CertificateParser.describe(chain.get(0))).build();
  }
}
