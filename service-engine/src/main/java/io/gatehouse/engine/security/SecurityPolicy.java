package io.gatehouse.engine.security;

import io.gatehouse.engine.config.SecurityPolicyConfig;
import io.gatehouse.engine.config.SecurityPolicyConfig.Action;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;

/** A security policy ready to judge connections: its rules parsed and in evaluation order. */
public final class SecurityPolicy {
  /** What decided a connection: the rule's name, or "default". */
  public record Verdict(boolean allowed, String decidedBy) {}

  private record CompiledRule(String name, Action action, List<Cidr> cidrs) {
    boolean matches(InetAddress client) {
      return cidrs.isEmpty() || cidrs.stream().anyMatch(c -> c.contains(client));
    }
  }

  private final String name;
  private final List<CompiledRule> rules;
  private final Action defaultAction;

  public SecurityPolicy(SecurityPolicyConfig config) {
    this.name = config.name();
    this.rules =
        config.rules().stream()
            .sorted(Comparator.comparingInt(SecurityPolicyConfig.Rule::index))
            .map(
                r ->
                    new CompiledRule(
                        r.name(), r.action(), r.clientCidrs().stream().map(Cidr::parse).toList()))
            .toList();
    this.defaultAction = config.defaultAction();
  }

  public String name() {
    return name;
  }

  /** The first matching rule decides; the default action when none matches. */
  public Verdict judge(InetAddress client) {
    for (CompiledRule rule : rules) {
      if (rule.matches(client)) {
        return new Verdict(rule.action() == Action.ALLOW, rule.name());
      }
    }
    return new Verdict(defaultAction == Action.ALLOW, "default");
  }
}
