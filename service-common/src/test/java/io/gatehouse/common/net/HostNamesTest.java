package io.gatehouse.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostNamesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "agent-1",
        "ip-10-0-0-5.ec2.internal",
        "127.0.0.2",
        "10.0.0.5",
        "::1",
        "fd00::5",
        "::ffff:10.0.0.5",
        "a",
        "xn--bcher-kva.example"
      })
  void hostNamesAndAddressesAreAccepted(String name) {
    assertThat(HostNames.valid(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a;touch x",
        "$(id)",
        "`id`",
        "a b",
        "-a",
        "a-",
        "a..b",
        ".a",
        "a/../../etc",
        "a\nb",
        "a'b",
        "",
        ":",
        ".:1",
        "1:2:3:4:5:6:7:8:9",
        "host:port"
      })
  void anythingElseIsRefused(String name) {
    assertThat(HostNames.valid(name)).isFalse();
  }

  @org.junit.jupiter.api.Test
  void overLongNamesAndLabelsAreRefused() {
    assertThat(HostNames.valid("a".repeat(63) + ".b")).isTrue();
    assertThat(HostNames.valid("a".repeat(64) + ".b")).isFalse();
    assertThat(HostNames.valid(("a".repeat(50) + ".").repeat(5) + "b")).isFalse(); // 256
  }

  @org.junit.jupiter.api.Test
  void aNameIsLoggedPrintableAndBounded() {
    assertThat(HostNames.printable("a\nINFO forged")).isEqualTo("a\\u000aINFO forged");
    assertThat(HostNames.printable("x".repeat(1000))).hasSize(257);
  }
}
