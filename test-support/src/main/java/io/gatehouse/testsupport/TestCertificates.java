package io.gatehouse.testsupport;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/** Self-signed certificates and their keys, made fresh for tests. */
public final class TestCertificates {
  /** A certificate and its key, both PEM. */
  public record Pem(String certificate, String privateKey) {}

  private TestCertificates() {}

  /** An EC P-256 certificate for {@code dnsName}, key as PKCS#8. */
  public static Pem ec(String dnsName) {
    return issue(
        keyPair("EC", new ECGenParameterSpec("secp256r1")), "SHA256withECDSA", dnsName, true);
  }

  /** An RSA 2048 certificate for {@code dnsName}, key as PKCS#1 ("BEGIN RSA PRIVATE KEY"). */
  public static Pem rsaPkcs1(String dnsName) {
    return issue(keyPair("RSA", null), "SHA256withRSA", dnsName, false);
  }

  private static KeyPair keyPair(String algorithm, ECGenParameterSpec spec) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (spec != null) {
        generator.initialize(spec);
      } else {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Pem issue(KeyPair keys, String signature, String dnsName, boolean pkcs8) {
    try {
      X500Name subject = new X500Name("CN=" + dnsName + ",O=Gatehouse Test");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              BigInteger.valueOf(now.toEpochMilli()),
              Date.from(now.minus(Duration.ofMinutes(1))),
              Date.from(now.plus(Duration.ofDays(30))),
              subject,
              keys.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
      var certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(new JcaContentSignerBuilder(signature).build(keys.getPrivate())));
      PemObjectGenerator key =
          pkcs8
              ? new JcaPKCS8Generator(keys.getPrivate(), null)
              : new JcaMiscPEMGenerator(keys.getPrivate());
      return new Pem(pem(new JcaMiscPEMGenerator(certificate)), pem(key));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(PemObjectGenerator object) throws java.io.IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
