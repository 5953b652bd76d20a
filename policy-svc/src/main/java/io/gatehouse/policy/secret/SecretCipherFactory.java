package io.gatehouse.policy.secret;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
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

/** Builds the {@link SecretCipher} from {@link SecretsConfig}, refusing to run without a key. */
@Factory
final class SecretCipherFactory {
  private static final Logger log = LoggerFactory.getLogger(SecretCipherFactory.class);

  @Singleton
  SecretCipher secretCipher(SecretsConfig config, Environment environment) {
    return new SecretCipher(new SecretKeySpec(keyMaterial(config, environment), "AES"));
  }

  private static byte[] keyMaterial(SecretsConfig config, Environment environment) {
    if (config.key() != null && !config.key().isBlank()) {
      return decode(config.key(), "gatehouse.policy.secrets.key");
    }
    if (config.keyFile() != null && !config.keyFile().isBlank()) {
      Path file = Path.of(config.keyFile());
      if (!Files.exists(file) && environment.getActiveNames().contains("local")) {
        create(file);
      }
      try {
        return decode(
            Files.readString(file, StandardCharsets.US_ASCII).trim(),
            "the key file " + file.toAbsolutePath());
      } catch (IOException e) {
        throw new ConfigurationException(
            "gatehouse.policy.secrets.key-file: cannot read " + file.toAbsolutePath(), e);
      }
    }
    throw new ConfigurationException(
        "no key to encrypt private keys at rest: set gatehouse.policy.secrets.key (base64 of 32"
            + " random bytes, e.g. `openssl rand -base64 32`) or gatehouse.policy.secrets.key-file");
  }

  private static byte[] decode(String base64, String where) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(where + " is not base64");
    }
    if (key.length != 32) {
      throw new ConfigurationException(
          where + " must hold 32 bytes (base64 of 32 random bytes), not " + key.length);
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
      log.info("local environment: created secrets key file {}", file.toAbsolutePath());
    } catch (IOException | UnsupportedOperationException e) {
      throw new ConfigurationException("cannot create the key file " + file.toAbsolutePath(), e);
    }
  }
}
