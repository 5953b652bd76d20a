package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.common.net.HostNames;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of virtual hosting: a child virtual service borrows its parent's listeners and claims
 * requests by host name and path prefix, so it may carry only what applies per request.
 */
public final class VirtualHosts {
  /** Most host names one child claims. */
  public static final int MAX_DOMAIN_NAMES = 64;

  /** Longest path prefix a child claims. */
  public static final int MAX_PATH_PREFIX = 1024;

  // an origin-form path: visible ASCII without '?', '#' or '%'-escapes to decode
  private static final Pattern PATH = Pattern.compile("/[!$&'()*+,\\-./0-9:;=@A-Z_a-z~]*");

  private VirtualHosts() {}

  /** A child: a parent, host names and a path prefix; nothing that belongs to a listener. */
  static void validateChild(VirtualService vs, Violations v) {
    v.reference(vs.getVhParentVsRef(), "vh_parent_vs_ref");
    v.require(
        !vs.getVhParentVsRef().equals(vs.getMeta().getName()),
        "vh_parent_vs_ref",
        "a virtual service cannot be its own parent");
    String listens = "a child service listens on its parent's listeners: leave it unset";
    v.require(!vs.hasVip(), "vip", listens);
    v.require(vs.getServicesCount() == 0, "services", listens);
    v.require(!vs.getEastWest(), "east_west", listens);
    v.require(vs.getSeGroupRef().isEmpty(), "se_group_ref", listens);
    v.require(
        vs.getNetworkSecurityPolicyRef().isEmpty(),
        "network_security_policy_ref",
        "connections are the parent's: set the security policy on the parent");
    v.require(
        !vs.hasRateLimits(),
        "rate_limits",
        "connections are the parent's: set rate limits on the parent");
    v.require(
        vs.getVhDomainNamesCount() > 0,
        "vh_domain_names",
        "a child service needs at least one host name to claim");
    v.require(
        vs.getVhDomainNamesCount() <= MAX_DOMAIN_NAMES,
        "vh_domain_names",
        "at most " + MAX_DOMAIN_NAMES + " host names, not " + vs.getVhDomainNamesCount());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < vs.getVhDomainNamesCount() && i < MAX_DOMAIN_NAMES; i++) {
      String name = vs.getVhDomainNames(i);
      String field = "vh_domain_names[" + i + "]";
      if (!isDomainName(name)) {
        v.add(
            field,
            quoted(name)
                + " is not a lowercase host name (e.g. shop.example.com or *.example.com)");
      } else {
        v.require(seen.add(name), field, "\"" + name + "\" is listed twice");
      }
    }
    String prefix = vs.getVhPathPrefix();
    if (!prefix.isEmpty()) {
      v.require(
          prefix.length() <= MAX_PATH_PREFIX && PATH.matcher(prefix).matches(),
          "vh_path_prefix",
          "must be a path starting with '/' (visible characters, no '?', '#' or '%'), at most "
              + MAX_PATH_PREFIX
              + " characters");
    }
  }

  /** Not a child: the child-only fields stay empty. */
  static void validateNotChild(VirtualService vs, Violations v) {
    String needsParent = "only a child service claims host names: set vh_parent_vs_ref";
    v.require(vs.getVhDomainNamesCount() == 0, "vh_domain_names", needsParent);
    v.require(vs.getVhPathPrefix().isEmpty(), "vh_path_prefix", needsParent);
  }

  /** {@code text} in quotes, cut at 64 characters: hostile input is not echoed at length. */
  private static String quoted(String text) {
    return "\"" + (text.length() > 64 ? text.substring(0, 64) + "…" : text) + "\"";
  }

  /** Whether {@code name} is a lowercase host name, or "*." and one. */
  public static boolean isDomainName(String name) {
    return HostNames.domainClaim(name);
  }
}
