package io.gatehouse.semanager.driver;

import java.util.regex.Pattern;

/**
 * Values made into words of a POSIX shell command (the local driver's {@code sh -c}, a command run
 * over SSH, a Fleet unit's {@code sh -c}, a Marathon app's {@code cmd}): a value of only safe
 * characters stays as it is; any other is single-quoted, so that no value can end the word, start
 * another command or be expanded.
 */
public final class ShellWords {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9@%+=:,./_-]+");

  private ShellWords() {}

  /** {@code value} as one shell word. */
  public static String quote(String value) {
    if (SAFE.matcher(value).matches()) {
      return value;
    }
    return "'" + value.replace("'", "'\"'\"'") + "'";
  }
}
