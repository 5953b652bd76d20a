package io.gatehouse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
  @Test
  void wordsFromTheNetworkReachTheLogAsOnePrintableBoundedLine() {
    assertThat(LogText.printable("se-manager-svc-1", 100)).isEqualTo("se-manager-svc-1");
    assertThat(LogText.printable("refused\n12:00 INFO forged line", 100)).isEqualTo("refused");
    assertThat(LogText.printable("red \u001b[31m caf\u00e9", 100)).isEqualTo("red ?[31m caf?");
    assertThat(LogText.printable("m".repeat(500), 100)).hasSize(101).endsWith("m…");
    assertThat(LogText.printable("", 100)).isEmpty();
  }
}
