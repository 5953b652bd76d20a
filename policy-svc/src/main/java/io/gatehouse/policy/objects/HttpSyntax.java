package io.gatehouse.policy.objects;

import java.util.Locale;
import java.util.Set;

/** What HTTP allows in names and values (RFC 9110, 5.1 and 5.5), and what a rule may not touch. */
final class HttpSyntax {
  /**
   * Headers that frame the message or belong to one connection: changing them would let a rule
   * desynchronize the engine and a member (request smuggling), so no rule may. Host has its own
   * rewrite.
   */
  static final Set<String> PROTECTED_HEADERS =
      Set.of(
          "content-length",
          "transfer-encoding",
          "connection",
          "upgrade",
          "te",
          "trailer",
          "keep-alive",
          "proxy-connection",
          "host");

  private HttpSyntax() {}

  /** An RFC 9110 token: the characters of a header name or a method. */
  static boolean token(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A field value: visible characters, spaces and tabs; no CR, LF, NUL or other controls. */
  static boolean fieldValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** A header a rule may change. */
  static boolean changeable(String name) {
    return !PROTECTED_HEADERS.contains(name.toLowerCase(Locale.ROOT));
  }

  /** An origin-form path: "/" and then characters allowed in a request target, no query. */
  static boolean path(String value) {
    if (!value.startsWith("/") || value.length() > 1024) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#') {
        return false;
      }
    }
    return true;
  }
}
