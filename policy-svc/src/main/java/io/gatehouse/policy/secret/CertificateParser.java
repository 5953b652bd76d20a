package io.gatehouse.policy.secret;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.policy.v1.CertificateInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads PEM certificate chains and private keys, and checks that they belong together. */
public final class CertificateParser {
  private static final byte[] PROBE = "gatehouse key match probe".getBytes(StandardCharsets.UTF_8);

  private CertificateParser() {}

  /** Thrown when PEM input cannot be used; the message says what is wrong. */
  public static final class BadPemException extends Exception {
    BadPemException(String message) {
      super(message);
    }
  }

  /** The certificates of a PEM chain, leaf first. */
  public static List<X509Certificate> parseChain(String pem) throws BadPemException {
    if (pem.isBlank()) {
      throw new BadPemException("is required: the PEM certificate chain, leaf first");
    }
    try {
      Collection<? extends java.security.cert.Certificate> certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (certs.isEmpty()) {
        throw new BadPemException("contains no certificate");
      }
      List<X509Certificate> chain = new ArrayList<>();
      certs.forEach(c -> chain.add((X509Certificate) c));
      return chain;
    } catch (CertificateException e) {
      throw new BadPemException("is not a PEM X.509 certificate chain: " + e.getMessage());
    }
  }

  /** A PEM private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC); not encrypted. */
  public static PrivateKey parsePrivateKey(String pem) throws BadPemException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object == null) {
        throw new BadPemException("contains no PEM private key");
      }
      throw new BadPemException(
          "is a PEM " + object.getClass().getSimpleName() + ", not an unencrypted private key");
    } catch (IOException e) {
      throw new BadPemException("is not a PEM private key: " + e.getMessage());
    }
  }

  /** Whether {@code key} is the private half of {@code certificate}'s public key. */
  public static boolean matches(X509Certificate certificate, PrivateKey key) {
    PublicKey publicKey = certificate.getPublicKey();
    if (!publicKey.getAlgorithm().equals(key.getAlgorithm()) && !(isEc(publicKey) && isEc(key))) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** What the API shows about a certificate. */
  public static CertificateInfo describe(X509Certificate leaf) {
    CertificateInfo.Builder info =
        CertificateInfo.newBuilder()
            .setSubject(leaf.getSubjectX500Principal().getName(X500Principal.RFC2253))
            .setIssuer(leaf.getIssuerX500Principal().getName(X500Principal.RFC2253))
            .setNotBefore(timestamp(leaf.getNotBefore().toInstant()))
            .setNotAfter(timestamp(leaf.getNotAfter().toInstant()))
            .setKeyAlgorithm(keyAlgorithm(leaf.getPublicKey()));
    try {
      info.setSha256Fingerprint(
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded())));
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2 || type == 7) { // dNSName, iPAddress
            info.addSubjectAltNames(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a parsed certificate re-encodes", e);
    }
    return info.build();
  }

  private static String keyAlgorithm(PublicKey key) {
    if (key instanceof RSAKey rsa) {
      return "RSA " + rsa.getModulus().bitLength();
    }
    if (key instanceof ECKey ec) {
      return "EC P-" + ec.getParams().getCurve().getField().getFieldSize();
    }
    return key.getAlgorithm();
  }

  private static boolean isEc(java.security.Key key) {
    return key.getAlgorithm().equals("EC") || key.getAlgorithm().equals("ECDSA");
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
