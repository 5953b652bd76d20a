package io.gatehouse.engine.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The checks on child virtual services: a parent that can have them, and claims held once. */
final class VirtualHosts {
  // RFC 1123 labels, lowercase; a leading "*." stands for one or more labels
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private VirtualHosts() {}

  /** A child: no listeners, a parent that is an HTTP service and no child, valid claims. */
  static void validateChild(
      VirtualServiceConfig vs,
      Map<String, VirtualServiceConfig> services,
      List<InvalidConfigException.Violation> violations) {
    String at = "virtual_services." + vs.name();
    VirtualHostConfig host = vs.virtualHost();
    if (!vs.listeners().isEmpty()) {
      violations.add(
          new InvalidConfigException.Violation(
              at + ".listeners", "a child service listens on its parent's listeners only"));
    }
    if (vs.securityPolicy() != null) {
      violations.add(
          new InvalidConfigException.Violation(
              at + ".security_policy", "connections are the parent's: set it on the parent"));
    }
    VirtualServiceConfig parent = services.get(host.parent());
    if (parent == null) {
      violations.add(
          new InvalidConfigException.Violation(
              at + ".parent", "no virtual service named \"" + host.parent() + "\""));
    } else if (parent.child()) {
      violations.add(
          new InvalidConfigException.Violation(
              at + ".parent", "\"" + host.parent() + "\" is itself a child service"));
    } else if (parent.listeners().stream().noneMatch(l -> l.protocol() == Protocol.HTTP)) {
      violations.add(
          new InvalidConfigException.Violation(
              at + ".parent", "\"" + host.parent() + "\" has no HTTP listener"));
    }
    if (host.domainNames().isEmpty()) {
      violations.add(
          new InvalidConfigException.Violation(at + ".domain_names", "needs at least one"));
    }
    for (String domain : host.domainNames()) {
      if (domain.length() > 253 || !DOMAIN.matcher(domain).matches()) {
        violations.add(
            new InvalidConfigException.Violation(
                at + ".domain_names", "\"" + domain + "\" is not a lowercase host name"));
      }
    }
    if (!host.pathPrefix().isEmpty() && !host.pathPrefix().startsWith("/")) {
      violations.add(
          new InvalidConfigException.Violation(at + ".path_prefix", "must start with /"));
    }
  }

  /** Every (parent, domain name, path prefix) is claimed by one child only. */
  static void validateClaims(
      Collection<VirtualServiceConfig> services,
      List<InvalidConfigException.Violation> violations) {
    Map<List<String>, String> owners = new HashMap<>();
    // by name: the same configuration names the same service as the one claiming twice
    List<VirtualServiceConfig> byName =
        services.stream()
            .sorted(java.util.Comparator.comparing(VirtualServiceConfig::name))
            .toList();
    for (VirtualServiceConfig vs : byName) {
      if (!vs.child()) {
        continue;
      }
      VirtualHostConfig host = vs.virtualHost();
      for (String domain : host.domainNames()) {
        List<String> claim = new ArrayList<>(List.of(host.parent(), domain, host.pathPrefix()));
        String owner = owners.putIfAbsent(claim, vs.name());
        if (owner != null) {
          violations.add(
              new InvalidConfigException.Violation(
                  "virtual_services." + vs.name() + ".domain_names",
                  domain + host.pathPrefix() + " is also claimed by " + owner));
        }
      }
    }
  }
}
