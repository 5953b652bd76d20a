package io.gatehouse.policy.objects;

import java.util.regex.Pattern;

/** Object names: 1 to 253 characters of letters, digits, '-', '_', '.', '/'; first alphanumeric. */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,252}");

  private Names() {}

  /** What is wrong with {@code name}, or null when it is valid. */
  public static String problem(String name) {
    if (name.isEmpty()) {
      return "is required";
    }
    if (!NAME.matcher(name).matches()) {
      return "\""
          + name
          + "\" must be 1 to 253 letters, digits, '-', '_', '.' or '/', starting with a letter or"
          + " digit";
    }
    return null;
  }
}
