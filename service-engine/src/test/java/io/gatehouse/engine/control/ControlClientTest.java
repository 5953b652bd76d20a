package io.gatehouse.engine.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ControlClientTest {
  @Test
  void theManagersNameReachesTheLogAsOnePrintableBoundedLine() {
    assertThat(ControlClient.printable("se-manager-svc-1")).isEqualTo("se-manager-svc-1");
    assertThat(ControlClient.printable("a\nforged line\u001b[31m")).isEqualTo("a?forged line?[31m");
    assertThat(ControlClient.printable("m".repeat(500))).hasSize(103).endsWith("m...");
  }
}
