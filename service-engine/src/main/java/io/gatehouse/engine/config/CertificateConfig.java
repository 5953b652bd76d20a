package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

/**
 * A TLS certificate (chain) and its private key, both PEM, for the virtual services that name it.
 * The key never appears in logs or in {@link #toString()}.
 *
 * @param name unique among certificates
 * @param certificatePem the certificate, followed by its intermediates
 * @param privateKeyPem the private key, PEM PKCS#8 ("BEGIN PRIVATE KEY")
 */
public record CertificateConfig(String name, String certificatePem, String privateKeyPem) {
  public CertificateConfig {
    requireNonNull(name, "name");
    requireNonNull(certificatePem, "certificatePem");
    requireNonNull(privateKeyPem, "privateKeyPem");
  }

  @Override
  public String toString() {
    return "CertificateConfig[name=" + name + ", privateKeyPem=<redacted>]";
  }
}
