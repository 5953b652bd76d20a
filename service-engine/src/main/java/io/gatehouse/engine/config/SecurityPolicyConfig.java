package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Micro-segmentation for the virtual services that name it: which clients may connect. Rules are
 * tried in ascending index; the first that matches decides; when none does, {@code defaultAction}
 * does.
 *
 * @param name unique among security policies
 * @param rules the rules
 * @param defaultAction what happens to a connection no rule matches
 */
public record SecurityPolicyConfig(String name, List<Rule> rules, Action defaultAction) {
  /** What a rule does to a connection it matches. */
  public enum Action {
    ALLOW,
    DENY
  }

  /**
   * One rule.
   *
   * @param index evaluation order, unique within the policy
   * @param name shown in logs and metrics
   * @param action allow or deny
   * @param clientCidrs the client address ranges it matches ("10.0.0.0/8", "fd00::/8", or a bare
   *     address); empty matches every client
   */
  public record Rule(int index, String name, Action action, List<String> clientCidrs) {
    public Rule {
      requireNonNull(name, "name");
      requireNonNull(action, "action");
      clientCidrs = List.copyOf(clientCidrs);
    }
  }

  public SecurityPolicyConfig {
    requireNonNull(name, "name");
    rules = List.copyOf(rules);
    requireNonNull(defaultAction, "defaultAction");
  }
}
