package io.gatehouse.common.secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key a service encrypts private keys at rest with: base64 of 32 random bytes, given directly
 * or in a file ({@code <prefix>.key} or {@code <prefix>.key-file}). There is no default key:
 * without one the service does not start, unless it may create the file (the local run).
 */
public final class SecretKeys {
  private static final Logger log = LoggerFactory.getLogger(SecretKeys.class);

  /** A key that cannot be used, with the message that says what to fix. */
  public static final class InvalidSecretKeyException extends RuntimeException {
    InvalidSecretKeyException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private SecretKeys() {}

  /**
   * The cipher for the configured key.
   *
   * @param key base64 key material, or null
   * @param keyFile a file holding it, or null
   * @param prefix the configuration prefix, for messages (e.g. "gatehouse.policy.secrets")
   * @param createMissingFile create {@code keyFile} with a fresh key (mode 600) when it is missing
   */
  public static SecretCipher cipher(
      String key, String keyFile, String prefix, boolean createMissingFile) {
    return new SecretCipher(
        new SecretKeySpec(material(key, keyFile, prefix, createMissingFile), "AES"));
  }

  private static byte[] material(
      String key, String keyFile, String prefix, boolean createMissingFile) {
    if (key != null && !key.isBlank()) {
      return decode(key, prefix + ".key");
    }
    if (keyFile != null && !keyFile.isBlank()) {
      Path file = Path.of(keyFile);
      if (!Files.exists(file) && createMissingFile) {
        create(file);
      }
      try {
        return decode(
            Files.readString(file, StandardCharsets.US_ASCII).trim(),
            "the key file " + file.toAbsolutePath());
      } catch (IOException e) {
        throw new InvalidSecretKeyException(
            prefix + ".key-file: cannot read " + file.toAbsolutePath(), e);
      }
    }
    throw new InvalidSecretKeyException(
        "no key to encrypt private keys at rest: set "
            + prefix
            + ".key (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) or "
            + prefix
            + ".key-file",
        null);
  }

  private static byte[] decode(String base64, String where) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidSecretKeyException(where + " is not base64", e);
    }
    if (key.length != 32) {
      throw new InvalidSecretKeyException(
          where + " must hold 32 bytes (base64 of 32 random bytes), not " + key.length, null);
    }
    return key;
  }

  private static void create(Path file) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      log.info("created secrets key file {}", file.toAbsolutePath());
    } catch (IOException | UnsupportedOperationException e) {
      throw new InvalidSecretKeyException("cannot create the key file " + file.toAbsolutePath(), e);
    }
  }
}
