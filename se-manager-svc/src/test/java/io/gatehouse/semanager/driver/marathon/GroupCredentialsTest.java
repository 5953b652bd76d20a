package io.gatehouse.semanager.driver.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GroupCredentialsTest {
  private static final SecretStore STORE =
      new SecretStore(URI.create("http://127.0.0.1:1/secrets/v1"), "default", "t");

  private static GroupCredentials credentials(String template) {
    return new GroupCredentials(STORE, template, g -> "c", Duration.ofDays(30), Clock.systemUTC());
  }

  @Test
  void eachGroupHasASecretOfItsOwn() {
    assertThat(credentials("gatehouse/engines/{group}/credential").path("edge"))
        .isEqualTo("gatehouse/engines/edge/credential");
  }

  @Test
  void aPathSharedByEveryGroupIsRefused() {
    assertThatThrownBy(() -> credentials("gatehouse/engine-credential"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must contain {group}");
  }

  @Test
  void aPathTheStoreWouldNotTakeIsRefused() {
    assertThatThrownBy(() -> credentials("../{group}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[A-Za-z0-9._-]");
    assertThat(SecretStore.validPath("a/../b")).isFalse();
    assertThat(SecretStore.validPath("a/.x/b")).isTrue();
    assertThat(SecretStore.validPath("a//b")).isFalse();
    assertThat(SecretStore.validPath("a b")).isFalse();
  }
}
