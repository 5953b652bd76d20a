package io.gatehouse.console.setup;

import io.gatehouse.console.accounts.Accounts;
import io.gatehouse.console.auth.Secrets;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-time setup code: made at start when no account exists and written to this service's log
 * and to {@code setup-code} in its state folder (readable by its owner alone), which only whoever
 * runs it reads, so that whoever first reaches the open port cannot claim the console. It is good
 * for one setup (the file goes with it); a console restarted before its setup makes a new one.
 */
@Singleton
final class SetupCode {
  private static final Logger log = LoggerFactory.getLogger(SetupCode.class);
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

  private final Accounts accounts;
  private final Path file;
  private volatile String code;

  SetupCode(Accounts accounts, @Value("${gatehouse.console.state-dir}") String stateDir) {
    this.accounts = accounts;
    this.file = Path.of(stateDir).resolve("setup-code");
  }

  @EventListener
  void onStartup(StartupEvent started) {
    if (accounts.any()) {
      forget();
      return;
    }
    code = newCode();
    try {
      Files.createDirectories(file.getParent());
      Path written = Files.createTempFile(file.getParent(), "setup-code", ".tmp", OWNER_ONLY);
      Files.writeString(written, code + "\n");
      Files.move(
          written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("could not write the setup code to {}: {}", file, e.toString());
    }
    log.warn(
        "No account exists yet. Create the first (admin) account with the one-time setup code {}"
            + " (POST /api/v1/setup, or the console's setup page)",
        code);
  }

  /**
   * Whether {@code given} is the setup code; a setup that used it spends it with {@link #spend}.
   */
  boolean matches(String given) {
    String current = code;
    return current != null && given != null && Secrets.same(current, given.strip().toUpperCase());
  }

  void spend() {
    code = null;
    forget();
  }

  private void forget() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", file, e.toString());
    }
  }

  /** 20 characters of a 32-letter alphabet (100 bits) in groups of four. */
  private static String newCode() {
    SecureRandom random = new SecureRandom();
    StringBuilder code = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      if (i > 0 && i % 4 == 0) {
        code.append('-');
      }
      code.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return code.toString();
  }
}
