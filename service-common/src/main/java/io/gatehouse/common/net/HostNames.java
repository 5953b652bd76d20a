package io.gatehouse.common.net;

import java.util.regex.Pattern;

/**
 * Host names and addresses as Mesos and Marathon report them, which Gatehouse then puts into engine
 * ids, commands, unit files and file names: only an RFC 1123 host name or an IP literal is
 * accepted, so that nothing a cluster member calls itself can carry shell, path or unit syntax.
 */
public final class HostNames {
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private HostNames() {}

  /**
   * Whether {@code value} is a host name a virtual service may claim: a lowercase RFC 1123 host
   * name ("shop.example.com"), or "*." and one ("*.example.com", one or more labels before it).
   */
  public static boolean domainClaim(String value) {
    if (value == null || value.length() > 253) {
      return false;
    }
    String name = value.startsWith("*.") ? value.substring(2) : value;
    return !name.isEmpty()
        && name.indexOf(':') < 0
        && name.equals(name.toLowerCase(java.util.Locale.ROOT))
        && !name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))
        && valid(name);
  }

  /** Whether {@code value} is an RFC 1123 host name, an IPv4 address or an IPv6 literal. */
  public static boolean valid(String value) {
    if (value == null || value.isEmpty() || value.length() > 253) {
      return false;
    }
    if (value.indexOf(':') >= 0) {
      return ipv6(value);
    }
    for (String label : value.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** {@code value} as it may appear in a log line: printable ASCII, anything else escaped. */
  public static String printable(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), 256));
    for (int i = 0; i < value.length() && i < 256; i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return value.length() > 256 ? out + "…" : out.toString();
  }

  private static boolean ipv6(String value) {
    if (!IPV6.matcher(value).matches()
        || (Character.digit(value.charAt(0), 16) < 0 && value.charAt(0) != ':')) {
      return false;
    }
    try {
      // hex digits, colons and dots, starting with a digit or colon: the JDK parses it as a
      // literal or refuses it, and never looks it up as a name
      java.net.InetAddress.getByName(value);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
