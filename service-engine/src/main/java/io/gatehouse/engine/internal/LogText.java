package io.gatehouse.engine.internal;

/**
 * Words from the network (a manager's name, a member's error) as a log line can carry them: one
 * line of printable ASCII, bounded, so that nobody can forge a line of the engine's log.
 */
public final class LogText {
  private LogText() {}

  /** {@code text}'s first line, anything outside printable ASCII as '?', cut at {@code max}. */
  public static String printable(String text, int max) {
    String line = text.lines().findFirst().orElse("").replaceAll("[^\\x20-\\x7e]", "?");
    return line.length() <= max ? line : line.substring(0, max) + "…";
  }
}
