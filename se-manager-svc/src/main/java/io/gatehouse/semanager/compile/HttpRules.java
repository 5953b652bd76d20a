package io.gatehouse.semanager.compile;

import io.gatehouse.api.policy.v1.HttpPolicySet;
import io.gatehouse.api.policy.v1.HttpRule;
import java.util.Comparator;
import java.util.List;

/** An HTTP policy set's rules as an engine evaluates them. */
final class HttpRules {
  private HttpRules() {}

  /** The enabled rules of {@code set}, by ascending index. */
  static List<HttpRule> inOrder(HttpPolicySet set) {
    return set.getRulesList().stream()
        .filter(rule -> !rule.hasEnabled() || rule.getEnabled())
        .sorted(Comparator.comparing(HttpRule::getIndex, Integer::compareUnsigned))
        .toList();
  }
}
