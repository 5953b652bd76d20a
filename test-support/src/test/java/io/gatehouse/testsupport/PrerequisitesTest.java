package io.gatehouse.testsupport;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class PrerequisitesTest {
  @Test
  void aMissingPrerequisiteSkipsOnADevelopersMachineAndFailsUnderCi() {
    assertThatThrownBy(() -> Prerequisites.require(false, () -> "sshd is not installed", false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("sshd is not installed; skipping");
    assertThatThrownBy(() -> Prerequisites.require(false, () -> "sshd is not installed", true))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("sshd is not installed (CI=true");
    assertThatCode(() -> Prerequisites.require(true, () -> "never asked", true))
        .doesNotThrowAnyException();
  }
}
