package io.gatehouse.engine.httppolicy;

/**
 * Normalizes a request path as RFC 3986 (6.2.2) says, so that a rule on "/admin" also sees
 * "/%61dmin" and "/x/../admin": percent-encoded unreserved characters are decoded, other
 * percent-encodings get upper-case hex digits, and "." and ".." segments are removed (5.2.4). A
 * path that needs none of it is returned as it is, without a copy.
 */
final class PathNormalizer {
  private PathNormalizer() {}

  /** The normalized form of {@code path} (which starts with "/"). */
  static String normalize(String path) {
    String normalized = normalize(path, 0, path.length());
    return normalized == null ? path : normalized;
  }

  /**
   * The normalized form of the path {@code s[from, to)} (which starts with "/"); null when it is
   * normal already.
   */
  static String normalize(String s, int from, int to) {
    if (!needed(s, from, to)) {
      return null;
    }
    return removeDotSegments(decodeUnreserved(s.substring(from, to)));
  }

  private static boolean needed(String path, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = path.charAt(i);
      if (c == '%') {
        return true;
      }
      if (c == '.' && i > from && path.charAt(i - 1) == '/' && dotSegment(path, i, to)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the segment starting at {@code i} is "." or "..". */
  private static boolean dotSegment(String path, int i, int to) {
    int end = path.indexOf('/', i);
    int length = (end < 0 || end > to ? to : end) - i;
    return length == 1 || (length == 2 && path.charAt(i + 1) == '.');
  }

  private static String decodeUnreserved(String path) {
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%'
          && i + 2 < path.length()
          && hex(path.charAt(i + 1)) >= 0
          && hex(path.charAt(i + 2)) >= 0) {
        char decoded = (char) (hex(path.charAt(i + 1)) * 16 + hex(path.charAt(i + 2)));
        if (unreserved(decoded)) {
          out.append(decoded);
        } else {
          out.append('%')
              .append(Character.toUpperCase(path.charAt(i + 1)))
              .append(Character.toUpperCase(path.charAt(i + 2)));
        }
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** RFC 3986, 5.2.4, on a path that starts with "/". */
  private static String removeDotSegments(String path) {
    String[] segments = path.substring(1).split("/", -1);
    String[] kept = new String[segments.length];
    int n = 0;
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (segment.equals(".")) {
        if (last) {
          kept[n++] = "";
        }
      } else if (segment.equals("..")) {
        if (n > 0) {
          n--;
        }
        if (last) {
          kept[n++] = "";
        }
      } else {
        kept[n++] = segment;
      }
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < n; i++) {
      out.append('/').append(kept[i]);
    }
    return n == 0 ? "/" : out.toString();
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }
}
