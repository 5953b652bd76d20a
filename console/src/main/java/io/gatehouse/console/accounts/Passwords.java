package io.gatehouse.console.accounts;

import jakarta.inject.Singleton;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Password hashes: Argon2id (16-byte salt, 32-byte hash, 16 MiB, 2 passes) as PHC strings, so the
 * parameters travel with each hash and can be raised later. A check against an account that does
 * not exist costs the same as one that does, so timing does not tell which names exist.
 */
@Singleton
public final class Passwords {
  /** The longest password taken: Argon2 hashes any length, but the request stays bounded. */
  public static final int MAX_LENGTH = 256;

  public static final int MIN_LENGTH = 12;

  private final Argon2PasswordEncoder encoder =
      Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
  private final String decoy = encoder.encode("a password no account has");

  public String hash(String password) {
    return encoder.encode(password);
  }

  /** Whether {@code password} is the one {@code hash} was made of; false for a null hash. */
  public boolean matches(String password, String hash) {
    if (password == null || password.length() > MAX_LENGTH) {
      return false;
    }
    if (hash == null) {
      encoder.matches(password, decoy); // as long as a real check
      return false;
    }
    return encoder.matches(password, hash);
  }

  /** Why {@code password} cannot be an account's; null when it can. */
  public static String weakness(String password) {
    if (password == null || password.isEmpty()) {
      return "is required";
    }
    if (password.length() < MIN_LENGTH) {
      return "must have at least " + MIN_LENGTH + " characters";
    }
    if (password.length() > MAX_LENGTH) {
      return "must have at most " + MAX_LENGTH + " characters";
    }
    if (password.chars().distinct().count() < 5) {
      return "must not repeat a few characters";
    }
    return null;
  }
}
