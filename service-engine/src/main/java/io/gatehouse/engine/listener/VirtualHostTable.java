package io.gatehouse.engine.listener;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which child service of a parent serves a request, by host name and path prefix. Built once per
 * configuration and read by every request without locks.
 *
 * <p>Candidates come from the exact host name first, then from wildcards ("*.example.com" matches
 * one or more labels before "example.com"), the longest suffix first; among the claims on one name
 * the longest matching path prefix wins. The first candidate whose prefix matches serves the
 * request; when none does, the parent serves it.
 */
public final class VirtualHostTable {
  /** A parent without children. */
  public static final VirtualHostTable EMPTY = new VirtualHostTable(Map.of(), Map.of());

  private record Claim(String pathPrefix, VirtualService service) {}

  private static final Comparator<Claim> LONGEST_PREFIX_FIRST =
      Comparator.comparingInt((Claim c) -> c.pathPrefix().length())
          .reversed()
          .thenComparing(c -> c.service().name());

  private final Map<String, Claim[]> exact;
  private final Map<String, Claim[]> wildcard; // by the suffix after "*."

  private VirtualHostTable(Map<String, Claim[]> exact, Map<String, Claim[]> wildcard) {
    this.exact = exact;
    this.wildcard = wildcard;
  }

  /** Collects the claims of a parent's children. */
  public static final class Builder {
    private final Map<String, List<Claim>> exact = new HashMap<>();
    private final Map<String, List<Claim>> wildcard = new HashMap<>();

    /** {@code service} serves {@code domainNames} for paths starting with {@code pathPrefix}. */
    public Builder add(VirtualService service, List<String> domainNames, String pathPrefix) {
      for (String domain : domainNames) {
        boolean wild = domain.startsWith("*.");
        (wild ? wildcard : exact)
            .computeIfAbsent(wild ? domain.substring(2) : domain, d -> new ArrayList<>())
            .add(new Claim(pathPrefix, service));
      }
      return this;
    }

    public VirtualHostTable build() {
      if (exact.isEmpty() && wildcard.isEmpty()) {
        return EMPTY;
      }
      return new VirtualHostTable(sorted(exact), sorted(wildcard));
    }

    private static Map<String, Claim[]> sorted(Map<String, List<Claim>> claims) {
      Map<String, Claim[]> table = new HashMap<>();
      claims.forEach(
          (name, list) ->
              table.put(name, list.stream().sorted(LONGEST_PREFIX_FIRST).toArray(Claim[]::new)));
      return Map.copyOf(table);
    }
  }

  public boolean isEmpty() {
    return exact.isEmpty() && wildcard.isEmpty();
  }

  /**
   * The child serving {@code host} (a normalized host name, see {@link #hostName}) and {@code
   * path}; null when none claims it.
   */
  public VirtualService match(String host, String path) {
    if (host == null) {
      return null;
    }
    VirtualService found = first(exact.get(host), path);
    for (int dot = host.indexOf('.'); found == null && dot >= 0; dot = host.indexOf('.', dot + 1)) {
      found = first(wildcard.get(host.substring(dot + 1)), path);
    }
    return found;
  }

  private static VirtualService first(Claim[] claims, String path) {
    if (claims == null) {
      return null;
    }
    for (Claim claim : claims) {
      if (path.startsWith(claim.pathPrefix())) {
        return claim.service();
      }
    }
    return null;
  }

  /**
   * The host name an authority ({@code Host} header or absolute URI's) names: lowercase, without
   * port or trailing dot; null when it is not a plain host name (empty, or an IP literal, which no
   * child claims).
   */
  public static String hostName(String authority) {
    if (authority == null || authority.isEmpty() || authority.charAt(0) == '[') {
      return null;
    }
    int end = authority.indexOf(':');
    if (end < 0) {
      end = authority.length();
    }
    if (end > 0 && authority.charAt(end - 1) == '.') {
      end--;
    }
    if (end == 0) {
      return null;
    }
    String host = end == authority.length() ? authority : authority.substring(0, end);
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return host.toLowerCase(Locale.ROOT);
      }
    }
    return host;
  }
}
