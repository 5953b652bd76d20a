package io.gatehouse.engine.tls;

import io.gatehouse.engine.config.CertificateConfig;
import io.gatehouse.engine.config.MemberTlsConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLException;

/**
 * TLS contexts from PEM certificates and PKCS#8 keys: servers' for listeners, clients' for pool
 * members. A key that does not belong to its certificate is refused here, when the configuration is
 * applied, rather than at the first handshake.
 */
public final class TlsContexts {
  private static final byte[] PROBE = "gatehouse key check".getBytes(StandardCharsets.US_ASCII);

  private TlsContexts() {}

  /** What an HTTP listener offers by ALPN: HTTP/2 first, HTTP/1.1 for every other client. */
  private static final ApplicationProtocolConfig HTTP_PROTOCOLS =
      new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2,
          ApplicationProtocolNames.HTTP_1_1);

  /**
   * A server context presenting {@code certificate}; with {@code http}, offering HTTP/2 and
   * HTTP/1.1 by ALPN.
   *
   * @throws IllegalArgumentException saying why the certificate or key cannot be used (never
   *     quoting the key)
   */
  public static SslContext serverContext(CertificateConfig certificate, boolean http) {
    X509Certificate leaf = leaf(certificate.certificatePem());
    PrivateKey key = privateKey(certificate.privateKeyPem());
    if (!belongsTo(key, leaf.getPublicKey())) {
      throw new IllegalArgumentException(
          "the private key does not belong to the certificate ("
              + leaf.getSubjectX500Principal()
              + ")");
    }
    try {
      SslContextBuilder builder =
          SslContextBuilder.forServer(
              new ByteArrayInputStream(
                  certificate.certificatePem().getBytes(StandardCharsets.US_ASCII)),
              new ByteArrayInputStream(
                  certificate.privateKeyPem().getBytes(StandardCharsets.US_ASCII)));
      if (http) {
        builder.applicationProtocolConfig(HTTP_PROTOCOLS);
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the certificate cannot be used: " + firstLine(e));
    }
  }

  /**
   * A client context for a pool's members: their certificates must chain to {@code tls}'s CAs and
   * bear the name each handler is made for (the JDK's HTTPS identification); {@code client}, when
   * not null, is presented to members that ask. ALPN offers {@code alpn} alone.
   *
   * @throws IllegalArgumentException saying why the CAs or the client certificate cannot be used
   */
  public static SslContext memberContext(
      MemberTlsConfig tls, CertificateConfig client, String alpn) {
    List<X509Certificate> authorities = certificates(tls.caCertificatesPem());
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .trustManager(authorities)
              .endpointIdentificationAlgorithm("HTTPS")
              .applicationProtocolConfig(
                  new ApplicationProtocolConfig(
                      ApplicationProtocolConfig.Protocol.ALPN,
                      ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                      ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                      alpn));
      if (client != null) {
        check(client);
        builder.keyManager(
            privateKey(client.privateKeyPem()),
            certificates(client.certificatePem()).toArray(X509Certificate[]::new));
      }
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("member TLS cannot be set up: " + firstLine(e));
    }
  }

  /** Every certificate of a PEM bundle, at least one. */
  private static List<X509Certificate> certificates(String pem) {
    try {
      List<X509Certificate> all = new ArrayList<>();
      for (var c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        all.add((X509Certificate) c);
      }
      if (all.isEmpty()) {
        throw new IllegalArgumentException("no PEM X.509 certificate in the CA certificates");
      }
      return all;
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("the CA certificates are not PEM X.509 certificates");
    }
  }

  /**
   * Checks that the certificate parses and that the key belongs to it, without building a context
   * (what validation needs).
   *
   * @throws IllegalArgumentException saying what is wrong (never quoting the key)
   */
  public static void check(CertificateConfig certificate) {
    X509Certificate leaf = leaf(certificate.certificatePem());
    PrivateKey key = privateKey(certificate.privateKeyPem());
    if (!belongsTo(key, leaf.getPublicKey())) {
      throw new IllegalArgumentException(
          "the private key does not belong to the certificate ("
              + leaf.getSubjectX500Principal()
              + ")");
    }
  }

  /**
   * The host names {@code certificate} is for: its subject alternative DNS names, or its subject's
   * common name when it has none.
   */
  public static List<String> serverNames(CertificateConfig certificate) {
    X509Certificate leaf = leaf(certificate.certificatePem());
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> alternative : alternatives) {
          if (Integer.valueOf(2).equals(alternative.get(0))) { // dNSName
            names.add(String.valueOf(alternative.get(1)));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      throw new IllegalArgumentException("the certificate's alternative names cannot be read");
    }
    if (names.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            names.add(String.valueOf(rdn.getValue()));
          }
        }
      } catch (InvalidNameException e) {
        throw new IllegalArgumentException("the certificate's subject cannot be read");
      }
    }
    return names;
  }

  private static X509Certificate leaf(String pem) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("the certificate is not a PEM X.509 certificate");
    }
  }

  private static PrivateKey privateKey(String pem) {
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException(
          "the private key must be PEM PKCS#8 (\"BEGIN PRIVATE KEY\"); convert with"
              + " openssl pkcs8 -topk8 -nocrypt");
    }
    String base64 =
        pem.substring(
                pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27,
                pem.indexOf("-----END PRIVATE KEY-----"))
            .replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec;
    try {
      spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the private key is not valid base64");
    }
    for (String algorithm : new String[] {"EC", "RSA", "Ed25519", "Ed448"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException notThisOne) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("the private key is not an EC, RSA or EdDSA key");
  }

  /** Whether a signature made with {@code key} verifies with {@code certified}. */
  private static boolean belongsTo(PrivateKey key, PublicKey certified) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448
        };
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an RSA key for an EC certificate
    }
  }

  private static String firstLine(Exception e) {
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return reason.lines().findFirst().orElse(reason);
  }
}
