package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.NetworkSecurityAction;
import io.gatehouse.api.policy.v1.NetworkSecurityPolicy;
import io.gatehouse.api.policy.v1.NetworkSecurityRule;
import io.gatehouse.api.policy.v1.ObjectKind;
import java.util.HashSet;
import java.util.Set;

/** Network security policies: ordered allow/deny rules by client address or Marathon app. */
public final class NetworkSecurityPolicyKind extends PolicyKind<NetworkSecurityPolicy> {
  static final int MAX_RULES = 1024;

  public NetworkSecurityPolicyKind() {
    super(
        ObjectKind.OBJECT_KIND_NETWORK_SECURITY_POLICY,
        "network_security_policy",
        NetworkSecurityPolicy.getDefaultInstance());
  }

  @Override
  public void validate(NetworkSecurityPolicy policy, Violations v) {
    v.require(policy.getRulesCount() <= MAX_RULES, "rules", "at most " + MAX_RULES + " rules");
    v.require(
        policy.getDefaultAction() != NetworkSecurityAction.UNRECOGNIZED,
        "default_action",
        "unknown action");
    Set<Integer> indexes = new HashSet<>();
    for (int i = 0; i < policy.getRulesCount(); i++) {
      NetworkSecurityRule rule = policy.getRules(i);
      Violations at = v.in("rules", i);
      at.require(
          indexes.add(rule.getIndex()), "index", "index " + rule.getIndex() + " is used twice");
      at.require(
          rule.getAction() == NetworkSecurityAction.NETWORK_SECURITY_ACTION_ALLOW
              || rule.getAction() == NetworkSecurityAction.NETWORK_SECURITY_ACTION_DENY,
          "action",
          "must be NETWORK_SECURITY_ACTION_ALLOW or NETWORK_SECURITY_ACTION_DENY");
      // engines count the connections a policy denies in the service's metrics; a log per
      // connection is not something they write, so asking for one is refused, not ignored
      at.require(
          !rule.getLog(),
          "log",
          "is not supported: denied connections are counted in the virtual service's metrics"
              + " (connections_denied), not logged one by one");
      for (int c = 0; c < rule.getMatch().getClientCidrsCount(); c++) {
        String cidr = rule.getMatch().getClientCidrs(c);
        at.require(
            Addresses.parseCidr(cidr) != null,
            "match.client_cidrs[" + c + "]",
            "\"" + cidr + "\" is not a CIDR such as 10.0.0.0/8 or an address");
      }
      for (int a = 0; a < rule.getMatch().getClientMarathonAppsCount(); a++) {
        String app = rule.getMatch().getClientMarathonApps(a);
        at.require(
            app.startsWith("/") && app.length() > 1,
            "match.client_marathon_apps[" + a + "]",
            "must be a Marathon app id such as /shop/web, not \"" + app + "\"");
      }
    }
  }
}
