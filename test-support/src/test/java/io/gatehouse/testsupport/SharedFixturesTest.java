package io.gatehouse.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class SharedFixturesTest {

  @Test
  void locatesTheFixturesBesideTheCheckout() {
    assertThat(SharedFixtures.root()).endsWith(Path.of("shared", "fixtures"));
    assertThat(SharedFixtures.checkoutRoot().resolve("mvnw")).isRegularFile();
  }

  @Test
  void readsTheFieldGuideWhenTheFixturesArePresent() {
    Path guide = SharedFixtures.require("README.md");

    assertThat(Files.isRegularFile(guide)).isTrue();
  }

  @Test
  void aMissingFixtureSkipsOrUnderCiFailsNamingTheLocation() {
    assertThatThrownBy(() -> SharedFixtures.require("no/such/fixture.json"))
        .isInstanceOf(
            Prerequisites.underCi() ? AssertionFailedError.class : TestAbortedException.class)
        .hasMessageContaining("no/such/fixture.json");
  }
}
