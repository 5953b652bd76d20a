package io.gatehouse.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BaseUrlsTest {
  @Test
  void aBaseUrlIsHttpOrHttpsWithAHostAndNothingRidingAlong() {
    assertThat(BaseUrls.problem("https://master.example/service/marathon")).isEmpty();
    assertThat(BaseUrls.problem("http://10.0.0.1:8080")).isEmpty();
    assertThat(BaseUrls.problem("file:///etc/passwd")).contains("must be an http or https URL");
    assertThat(BaseUrls.problem("http:///nohost")).contains("has no host");
    assertThat(BaseUrls.problem("http://ops:secret@master:8080").orElseThrow())
        .startsWith("must not carry credentials")
        .doesNotContain("secret");
    assertThat(BaseUrls.problem("http://master:8080/?x=1")).isPresent();
    assertThat(BaseUrls.problem("http://master:8080/#top")).isPresent();
    assertThat(BaseUrls.problem("http://master\r\nHost: evil/").orElseThrow())
        .startsWith("is not a URL")
        .doesNotContain("\r");
    assertThat(BaseUrls.problem("http://m/" + "a".repeat(BaseUrls.MAX_URL))).isPresent();
  }

  @Test
  void credentialsAndTokensGoIntoAHeaderAlone() {
    assertThat(BaseUrls.basicCredentials("ops:pass word")).isTrue();
    assertThat(BaseUrls.basicCredentials("no-colon")).isFalse();
    assertThat(BaseUrls.basicCredentials(":no-user")).isFalse();
    assertThat(BaseUrls.basicCredentials("ops:pass\r\nX-Injected: 1")).isFalse();
    assertThat(BaseUrls.basicCredentials("ops:" + "p".repeat(BaseUrls.MAX_CREDENTIAL))).isFalse();
    assertThat(BaseUrls.token("eyJhbGciOi.x.y")).isTrue();
    assertThat(BaseUrls.token("two tokens")).isFalse();
    assertThat(BaseUrls.token("t\u00e9")).isFalse();
  }
}
