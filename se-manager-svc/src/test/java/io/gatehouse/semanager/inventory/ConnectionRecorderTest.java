package io.gatehouse.semanager.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionRecorderTest {
  @Test
  void anEnginesWordsAreCutToABoundAndMarkedSo() {
    assertThat(ConnectionRecorder.bounded("no members", 1000)).isEqualTo("no members");
    assertThat(ConnectionRecorder.bounded("x".repeat(5000), 1000)).hasSize(1001).endsWith("x…");
  }
}
