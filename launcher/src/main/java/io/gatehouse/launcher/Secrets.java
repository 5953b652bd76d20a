package io.gatehouse.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * The local run's tokens and keys: made once, kept in {@code <home>/secrets.properties} (mode 600)
 * so a second run, and the CLI, use the same ones. There are no built-in defaults.
 */
final class Secrets {
  static final List<String> NAMES =
      List.of(
          "operator-token",
          "discovery-token",
          "se-manager-token",
          "analytics-token",
          "postgres-password",
          "policy-secrets-key",
          "se-manager-secrets-key");

  private final Properties values;

  private Secrets(Properties values) {
    this.values = values;
  }

  /** The secrets kept in {@code home}, made now where missing. */
  static Secrets in(Path home) {
    Path file = home.resolve("secrets.properties");
    Properties values = new Properties();
    try {
      Files.createDirectories(home);
      if (Files.exists(file)) {
        try (Reader in = Files.newBufferedReader(file)) {
          values.load(in);
        }
      }
      boolean changed = false;
      SecureRandom random = new SecureRandom();
      for (String name : NAMES) {
        if (values.getProperty(name) == null) {
          byte[] bytes = new byte[32];
          random.nextBytes(bytes);
          values.setProperty(
              name,
              name.endsWith("-key")
                  ? Base64.getEncoder().encodeToString(bytes)
                  : Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
          changed = true;
        }
      }
      if (changed) {
        // created readable by this user alone and moved into place whole: never readable by
        // others, not for a moment, and never half written
        Path temporary =
            Files.createTempFile(
                home,
                "secrets",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
          try (Writer out = Files.newBufferedWriter(temporary)) {
            values.store(out, "Gatehouse local run: tokens and keys (keep private)");
          }
          Files.move(
              temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(temporary);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not keep the secrets in " + file + ": " + e, e);
    }
    return new Secrets(values);
  }

  String get(String name) {
    return values.getProperty(name);
  }
}
