package io.gatehouse.discovery.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An app id reaches its app at Marathon, and no other resource. */
class AppPathTest {
  @Test
  void segmentsArePercentEncoded() {
    assertThat(MarathonClient.path("/shop/web")).isEqualTo("/v2/apps/shop/web");
    assertThat(MarathonClient.path("shop/web")).isEqualTo("/v2/apps/shop/web");
    assertThat(MarathonClient.path("/a b/c?force=true#x"))
        .isEqualTo("/v2/apps/a%20b/c%3Fforce%3Dtrue%23x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/shop/../../v2/deployments", "/./web", "/shop//web", "/", ""})
  void anIdThatWouldLeaveTheAppsIsRefused(String id) {
    assertThatThrownBy(() -> MarathonClient.path(id))
        .isInstanceOf(MarathonException.class)
        .hasMessageContaining("is not a Marathon app id");
  }
}
