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
import org.bouncycastle.asn1.x509.BasicConstraints;
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

  /**
   * A certificate authority of its own (EC P-256), for certificates that chain to it: what a server
   * verifies a client by, or a client a server.
   */
  public static Authority authority(String name) {
    KeyPair keys = keyPair("EC", new ECGenParameterSpec("secp256r1"));
    X500Name subject = new X500Name("CN=" + name + ",O=Gatehouse Test");
    try {
      JcaX509v3CertificateBuilder builder = builder(subject, subject, keys);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      var certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
      return new Authority(
          new Pem(
              pem(new JcaMiscPEMGenerator(certificate)),
              pem(new JcaPKCS8Generator(keys.getPrivate(), null))),
          keys,
          subject);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A CA: its certificate and key, and the leaves it signs. */
  public record Authority(Pem pem, KeyPair keys, X500Name subject) {
    /** An EC P-256 certificate for {@code dnsName} signed by this CA, key as PKCS#8. */
    public Pem issue(String dnsName) {
      return sign(new GeneralName(GeneralName.dNSName, dnsName), dnsName);
    }

    /** An EC P-256 certificate for the IP address {@code ip} signed by this CA. */
    public Pem issueForAddress(String ip) {
      return sign(new GeneralName(GeneralName.iPAddress, ip), ip);
    }

    private Pem sign(GeneralName name, String commonName) {
      KeyPair leaf = keyPair("EC", new ECGenParameterSpec("secp256r1"));
      try {
        JcaX509v3CertificateBuilder builder =
            builder(subject, new X500Name("CN=" + commonName + ",O=Gatehouse Test"), leaf);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(name));
        var certificate =
            new JcaX509CertificateConverter()
                .getCertificate(
                    builder.build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        return new Pem(
            TestCertificates.pem(new JcaMiscPEMGenerator(certificate)),
            TestCertificates.pem(new JcaPKCS8Generator(leaf.getPrivate(), null)));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static JcaX509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(now.toEpochMilli())
            .shiftLeft(16)
            .add(BigInteger.valueOf(SERIAL.incrementAndGet())),
        Date.from(now.minus(Duration.ofMinutes(1))),
        Date.from(now.plus(Duration.ofDays(30))),
        subject,
        keys.getPublic());
  }

  private static final java.util.concurrent.atomic.AtomicInteger SERIAL =
      new java.util.concurrent.atomic.AtomicInteger();

  private static Pem issue(KeyPair keys, String signature, String dnsName, boolean pkcs8) {
    try {
      X500Name subject = new X500Name("CN=" + dnsName + ",O=Gatehouse Test");
      JcaX509v3CertificateBuilder builder = builder(subject, subject, keys);
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
