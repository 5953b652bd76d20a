package io.gatehouse.policy.objects;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class AddressesTest {

  @Test
  void acceptsLiteralIpv4AndIpv6Only() {
    assertThat(Addresses.parseIp("10.0.0.1")).isNotNull();
    assertThat(Addresses.parseIp("fd00::1").getHostAddress()).isEqualTo("fd00:0:0:0:0:0:0:1");
    assertThat(Addresses.parseIp("10.0.0.256")).isNull();
    assertThat(Addresses.parseIp("010.0.0.1")).isNull();
    assertThat(Addresses.parseIp("localhost")).isNull(); // never a DNS lookup
    assertThat(Addresses.parseIp("")).isNull();
  }

  @Test
  void cidrsAreMaskedToTheirNetworkAndAcceptBareAddresses() {
    assertThat(Addresses.parseCidr("10.1.2.3/8").toString()).isEqualTo("10.0.0.0/8");
    assertThat(Addresses.parseCidr("10.1.2.3").prefixLength()).isEqualTo(32);
    assertThat(Addresses.parseCidr("fd00::/8").prefixLength()).isEqualTo(8);
    assertThat(Addresses.parseCidr("10.0.0.0/33")).isNull();
    assertThat(Addresses.parseCidr("10.0.0.0/x")).isNull();
  }

  @Test
  void containmentAndOffsetsStayWithinTheBlock() {
    Addresses.Cidr cidr = Addresses.parseCidr("192.168.50.0/30");

    assertThat(cidr.size()).isEqualTo(BigInteger.valueOf(4));
    assertThat(cidr.address(BigInteger.TWO).getHostAddress()).isEqualTo("192.168.50.2");
    assertThat(cidr.contains(Addresses.parseIp("192.168.50.3"))).isTrue();
    assertThat(cidr.contains(Addresses.parseIp("192.168.50.4"))).isFalse();
    assertThat(cidr.contains(Addresses.parseIp("fd00::1"))).isFalse();
  }
}
