package io.gatehouse.common.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Engine credentials: JWTs signed with ES256 (nimbus-jose-jwt) whose subject is the engine's id,
 * with its SE group ({@code grp}), what they are for ({@code use}), an expiry and a random id.
 * se-manager-svc holds the private key and signs; every holder of the public key verifies.
 */
public final class EngineCredentials {
  private static final String ISSUER = "gatehouse/se-manager";
  private static final String GROUP_SUBJECT = "*";
  private static final String ISSUED_MILLIS = "iat_ms";
  private static final int MAX_TOKEN = 4096;

  private final ECDSASigner signer;
  private final ECDSAVerifier verifier;
  private final Clock clock;

  private EngineCredentials(ECDSASigner signer, ECDSAVerifier verifier, Clock clock) {
    this.signer = signer;
    this.verifier = verifier;
    this.clock = clock;
  }

  /** Signs and verifies with the key pair in {@code privateKey} (PKCS#8) and {@code publicKey}. */
  public static EngineCredentials signing(Path privateKey, Path publicKey, Clock clock) {
    try {
      KeyFactory ec = KeyFactory.getInstance("EC");
      ECPrivateKey key =
          (ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(pem(privateKey)));
      return new EngineCredentials(
          new ECDSASigner(key), verifying(publicKey, clock).verifier, clock);
    } catch (GeneralSecurityException | JOSEException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          privateKey + " is no PKCS#8 EC P-256 private key: " + e.getMessage(), e);
    }
  }

  /** Verifies with the public key (X.509 SubjectPublicKeyInfo, PEM) in {@code publicKey}. */
  public static EngineCredentials verifying(Path publicKey, Clock clock) {
    try {
      ECPublicKey key =
          (ECPublicKey)
              KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(pem(publicKey)));
      return new EngineCredentials(null, new ECDSAVerifier(key), clock);
    } catch (GeneralSecurityException | JOSEException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          publicKey + " is no EC P-256 public key: " + e.getMessage(), e);
    }
  }

  /** A credential for engine {@code seId} of {@code group}, good for {@code life}. */
  public String issue(String seId, String group, EngineIdentity.Use use, Duration life) {
    return sign(seId, group, use, clock.instant().plus(life));
  }

  /** A credential for engine {@code seId} of {@code group}, good until {@code expires}. */
  public String issueUntil(String seId, String group, EngineIdentity.Use use, Instant expires) {
    return sign(seId, group, use, expires);
  }

  /** A credential for any engine of {@code group} ("{group}@{hostname}"), for deployment only. */
  public String issueForGroup(String group, Duration life) {
    return sign(GROUP_SUBJECT, group, EngineIdentity.Use.DEPLOY, clock.instant().plus(life));
  }

  private String sign(String subject, String group, EngineIdentity.Use use, Instant expires) {
    if (signer == null) {
      throw new IllegalStateException("these credentials only verify");
    }
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(subject)
            .claim("grp", group)
            .claim("use", use.name().toLowerCase(Locale.ROOT))
            .issueTime(Date.from(now))
            .claim(ISSUED_MILLIS, now.toEpochMilli()) // iat is in seconds: revocations need more
            .expirationTime(Date.from(expires))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign an engine credential", e);
    }
    return jwt.serialize();
  }

  /**
   * The engine {@code token} names, when it is a credential signed by this key, not expired, and
   * whole; else empty. Nothing of a refused token is logged.
   */
  public Optional<EngineIdentity> verify(String token) {
    if (token == null
        || token.length() > MAX_TOKEN
        || token.chars().filter(c -> c == '.').count() != 2) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date expiry = claims.getExpirationTime();
      String subject = claims.getSubject();
      String group = claims.getStringClaim("grp");
      String use = claims.getStringClaim("use");
      if (!ISSUER.equals(claims.getIssuer())
          || expiry == null
          || !clock.instant().isBefore(expiry.toInstant())
          || subject == null
          || group == null
          || use == null
          || claims.getJWTID() == null) {
        return Optional.empty();
      }
      EngineIdentity.Use kind = EngineIdentity.Use.valueOf(use.toUpperCase(Locale.ROOT));
      if (GROUP_SUBJECT.equals(subject) && kind != EngineIdentity.Use.DEPLOY) {
        return Optional.empty();
      }
      return Optional.of(
          new EngineIdentity(
              GROUP_SUBJECT.equals(subject) ? null : subject,
              group,
              kind,
              claims.getJWTID(),
              issuedAt(claims),
              expiry.toInstant()));
    } catch (ParseException | JOSEException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** When a credential was issued: to the millisecond, else iat's second, else the epoch. */
  private static Instant issuedAt(JWTClaimsSet claims) throws ParseException {
    Long millis = claims.getLongClaim(ISSUED_MILLIS);
    if (millis != null) {
      return Instant.ofEpochMilli(millis);
    }
    Date issued = claims.getIssueTime();
    return issued == null ? Instant.EPOCH : issued.toInstant();
  }

  private static byte[] pem(Path file) {
    try {
      String text = Files.readString(file);
      return Base64.getMimeDecoder()
          .decode(text.replaceAll("-----(BEGIN|END)[^-]*-----", "").replaceAll("\\s", ""));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
