package io.gatehouse.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority kept in one folder: {@code ca.pem} (the certificate everyone trusts) and
 * {@code ca.key} (mode 600), made on first use; and the certificates it issues, {@code <name>.pem}
 * with {@code <name>.key}. Keys are EC P-256, in PKCS#8 PEM; every file with a key is created
 * readable by its owner alone and moved into place whole.
 *
 * <p>An issued certificate serves both ends of a connection (server and client authentication),
 * names its holder in its common name and its addresses in its subject alternative names, and is
 * issued again when it is missing, names other addresses, or has less than a tenth of its life
 * left.
 */
public final class LocalAuthority {
  private static final Duration CA_LIFE = Duration.ofDays(3650);
  private static final Duration LEAF_LIFE = Duration.ofDays(365);
  private static final String SIGNATURE = "SHA256withECDSA";

  private final Path folder;
  private final X509Certificate certificate;
  private final PrivateKey key;

  private LocalAuthority(Path folder, X509Certificate certificate, PrivateKey key) {
    this.folder = folder;
    this.certificate = certificate;
    this.key = key;
  }

  /** A certificate and its private key, as files. */
  public record Issued(Path certificate, Path privateKey) {}

  /** A signing key pair, as files: the private key (PKCS#8) and the public key (X.509 SPKI). */
  public record SigningKeys(Path privateKey, Path publicKey) {}

  /** The authority kept in {@code folder}, made now when it has none. */
  public static LocalAuthority in(Path folder) {
    Path pem = folder.resolve("ca.pem");
    Path keyFile = folder.resolve("ca.key");
    try {
      Files.createDirectories(folder);
      if (Files.isRegularFile(pem) && Files.isRegularFile(keyFile)) {
        return new LocalAuthority(folder, readCertificate(pem), readKey(keyFile));
      }
      KeyPair keys = newKeys();
      X500Name subject = new X500Name("CN=Gatehouse local CA,O=Gatehouse");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              serial(),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(CA_LIFE)),
              subject,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate ca = sign(builder, keys.getPrivate());
      writePrivate(keyFile, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
      writePublic(pem, pem(ca));
      return new LocalAuthority(folder, ca, keys.getPrivate());
    } catch (IOException e) {
      throw new UncheckedIOException("could not keep a certificate authority in " + folder, e);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("could not make a certificate authority: " + e, e);
    }
  }

  /** The CA's certificate, the one file a client needs to trust what this authority issues. */
  public Path caCertificate() {
    return folder.resolve("ca.pem");
  }

  /**
   * The certificate of {@code name} for {@code addresses} (host names and IP addresses), issued now
   * unless a valid one for the same addresses is kept.
   */
  public Issued issue(String name, List<String> addresses) {
    if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException("certificate name \"" + name + "\" is not a-z0-9-");
    }
    Issued files = new Issued(folder.resolve(name + ".pem"), folder.resolve(name + ".key"));
    try {
      if (current(files, addresses)) {
        return files;
      }
      KeyPair keys = newKeys();
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              certificate,
              serial(),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(LEAF_LIFE)),
              new X500Name("CN=" + name + ",O=Gatehouse"),
              keys.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(
          Extension.subjectAlternativeName, false, new GeneralNames(names(addresses)));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          extensions.createAuthorityKeyIdentifier(certificate));
      X509Certificate leaf = sign(builder, key);
      writePrivate(files.privateKey(), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
      writePublic(files.certificate(), pem(leaf));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("could not issue " + name + "'s certificate in " + folder, e);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("could not issue " + name + "'s certificate: " + e, e);
    }
  }

  /**
   * The signing key pair {@code name} ({@code <name>.key}, {@code <name>.pub}), made now unless
   * kept: keys that sign credentials rather than certificates (se-manager's engine credentials).
   */
  public SigningKeys signingKeys(String name) {
    if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException("key name \"" + name + "\" is not a-z0-9-");
    }
    SigningKeys files =
        new SigningKeys(folder.resolve(name + ".key"), folder.resolve(name + ".pub"));
    if (Files.isRegularFile(files.privateKey()) && Files.isRegularFile(files.publicKey())) {
      return files;
    }
    try {
      KeyPair keys = newKeys();
      writePrivate(files.privateKey(), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
      writePublic(files.publicKey(), pem(keys.getPublic()));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("could not keep the key pair " + name + " in " + folder, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not make the key pair " + name + ": " + e, e);
    }
  }

  /**
   * Whether {@code files} hold a certificate of this CA for {@code addresses}, not near its end.
   */
  private boolean current(Issued files, List<String> addresses) throws IOException {
    if (!Files.isRegularFile(files.certificate()) || !Files.isRegularFile(files.privateKey())) {
      return false;
    }
    try {
      X509Certificate kept = readCertificate(files.certificate());
      kept.verify(certificate.getPublicKey());
      Instant end = kept.getNotAfter().toInstant();
      Instant renewFrom = end.minus(LEAF_LIFE.dividedBy(10));
      List<String> keptNames = new ArrayList<>();
      for (List<?> san : kept.getSubjectAlternativeNames()) {
        keptNames.add(String.valueOf(san.get(1)));
      }
      return Instant.now().isBefore(renewFrom) && sameNames(keptNames, addresses);
    } catch (GeneralSecurityException | RuntimeException unusable) {
      return false;
    }
  }

  private static boolean sameNames(List<String> kept, List<String> addresses) {
    List<String> normalised = new ArrayList<>();
    for (String address : addresses) {
      normalised.add(isIp(address) ? ipText(address) : address);
    }
    List<String> keptNormalised = new ArrayList<>();
    for (String name : kept) {
      keptNormalised.add(isIp(name) ? ipText(name) : name);
    }
    return keptNormalised.size() == normalised.size() && keptNormalised.containsAll(normalised);
  }

  private static GeneralName[] names(List<String> addresses) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("a certificate needs at least one address");
    }
    GeneralName[] names = new GeneralName[addresses.size()];
    for (int i = 0; i < names.length; i++) {
      String address = addresses.get(i);
      names[i] =
          new GeneralName(isIp(address) ? GeneralName.iPAddress : GeneralName.dNSName, address);
    }
    return names;
  }

  private static boolean isIp(String address) {
    return address.matches("[0-9.]+") || address.contains(":");
  }

  private static String ipText(String address) {
    try {
      return InetAddress.getByName(address).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return address;
    }
  }

  private static KeyPair newKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
  }

  private static X509Certificate readCertificate(Path file)
      throws IOException, GeneralSecurityException {
    try (Reader in = Files.newBufferedReader(file);
        PEMParser parser = new PEMParser(in)) {
      if (!(parser.readObject() instanceof X509CertificateHolder holder)) {
        throw new IOException(file + " holds no certificate");
      }
      return new JcaX509CertificateConverter().getCertificate(holder);
    }
  }

  private static PrivateKey readKey(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file);
        PEMParser parser = new PEMParser(in)) {
      if (!(parser.readObject() instanceof PrivateKeyInfo info)) {
        throw new IOException(file + " holds no PKCS#8 private key");
      }
      return new JcaPEMKeyConverter().getPrivateKey(info);
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  /** Writes a key: created mode 600 under a temporary name, then moved into place whole. */
  private static void writePrivate(Path file, String text) throws IOException {
    Path temporary =
        Files.createTempFile(
            file.getParent(),
            ".key",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    move(temporary, file, text);
  }

  private static void writePublic(Path file, String text) throws IOException {
    move(Files.createTempFile(file.getParent(), ".pem", ".tmp"), file, text);
  }

  private static void move(Path temporary, Path file, String text) throws IOException {
    try {
      try (Writer out = Files.newBufferedWriter(temporary)) {
        out.write(text);
      }
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
