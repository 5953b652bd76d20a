package io.gatehouse.engine.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.engine.config.SecurityPolicyConfig;
import io.gatehouse.engine.config.SecurityPolicyConfig.Action;
import io.gatehouse.engine.config.SecurityPolicyConfig.Rule;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityPolicyTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void rangesMatchByPrefixAndFamily() throws Exception {
    assertThat(Cidr.parse("10.0.0.0/8").contains(ip("10.200.3.4"))).isTrue();
    assertThat(Cidr.parse("10.0.0.0/8").contains(ip("11.0.0.1"))).isFalse();
    assertThat(Cidr.parse("192.168.4.0/22").contains(ip("192.168.7.255"))).isTrue();
    assertThat(Cidr.parse("192.168.4.0/22").contains(ip("192.168.8.0"))).isFalse();
    assertThat(Cidr.parse("127.0.0.2").contains(ip("127.0.0.2"))).isTrue();
    assertThat(Cidr.parse("127.0.0.2").contains(ip("127.0.0.1"))).isFalse();
    assertThat(Cidr.parse("fd00::/8").contains(ip("fd12::1"))).isTrue();
    assertThat(Cidr.parse("fd00::/8").contains(ip("10.0.0.1"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
  }

  @Test
  void malformedRangesSayWhatIsWrong() {
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix must be 0-32");
    assertThatThrownBy(() -> Cidr.parse("intranet")).hasMessageContaining("is not an address");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("not a number");
  }

  @Test
  void theFirstMatchingRuleByIndexDecidesAndTheDefaultOtherwise() throws Exception {
    SecurityPolicy policy =
        new SecurityPolicy(
            new SecurityPolicyConfig(
                "p",
                List.of(
                    new Rule(20, "office", Action.ALLOW, List.of("10.0.0.0/8")),
                    new Rule(10, "quarantine", Action.DENY, List.of("10.6.6.0/24"))),
                Action.DENY));

    assertThat(policy.judge(ip("10.6.6.6")))
        .isEqualTo(new SecurityPolicy.Verdict(false, "quarantine"));
    assertThat(policy.judge(ip("10.1.1.1"))).isEqualTo(new SecurityPolicy.Verdict(true, "office"));
    assertThat(policy.judge(ip("192.0.2.1")))
        .isEqualTo(new SecurityPolicy.Verdict(false, "default"));
  }
}
