package io.gatehouse.console;

import static io.gatehouse.testsupport.ConsoleClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testsupport.ConsoleClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A fresh console: its setup page is usable only with the setup code from its log, makes one admin
 * account, and is closed after; nothing else answers before that; it speaks HTTPS only.
 */
@MicronautTest
class SetupIT extends RunningConsole {

  @Test
  void theFirstAccountNeedsTheLoggedSetupCodeAndThereIsOnlyOneSetup() throws Exception {
    ConsoleClient client = client();
    assertThat(client.get("/api/v1/setup").body().path("needed").asBoolean()).isTrue();
    String code = loggedSetupCode();
    assertThat(code).isNotNull();
    java.nio.file.Path codeFile = stateDir.resolve("setup-code");
    assertThat(java.nio.file.Files.readString(codeFile).strip()).isEqualTo(code);
    assertThat(java.nio.file.Files.getPosixFilePermissions(codeFile))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    // before the setup, nothing but the setup answers
    assertThat(client.get("/api/v1/accounts").status()).isEqualTo(401);

    ConsoleClient.Answer wrongCode =
        client.send(
            "POST",
            "/api/v1/setup",
            json()
                .put("setup_code", "AAAA-AAAA-AAAA-AAAA-AAAA")
                .put("name", "root")
                .put("password", PASSWORD));
    assertThat(wrongCode.status()).isEqualTo(403);

    ConsoleClient.Answer weak =
        client.send(
            "POST",
            "/api/v1/setup",
            json().put("setup_code", code).put("name", "Root!").put("password", "short"));
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.body().path("field_violations").findValuesAsText("field"))
        .containsExactlyInAnyOrder("name", "password");

    ConsoleClient.Answer done =
        client.send(
            "POST",
            "/api/v1/setup",
            json()
                .put("setup_code", code.toLowerCase())
                .put("name", "root")
                .put("password", PASSWORD));
    assertThat(done.status()).as(String.valueOf(done.body())).isEqualTo(201);
    assertThat(done.body().path("role").asText()).isEqualTo("admin");
    assertThat(client.get("/api/v1/setup").body().path("needed").asBoolean()).isFalse();
    assertThat(codeFile).doesNotExist(); // spent

    ConsoleClient.Answer again =
        client.send(
            "POST",
            "/api/v1/setup",
            json().put("setup_code", code).put("name", "intruder").put("password", PASSWORD));
    assertThat(again.status()).isEqualTo(409);

    assertThat(client.login("root", PASSWORD).status()).isEqualTo(200);
    assertThat(client.get("/api/v1/accounts").body().path("accounts").findValuesAsText("name"))
        .containsExactly("root");
  }

  @Test
  void whatIsNotJsonOrNoResourceGetsTheApisErrorFormEchoingNothing() throws Exception {
    ConsoleClient client = client();
    ConsoleClient.Answer broken = client.sendRaw("POST", "/api/v1/session", "{\"name\": \"admin\"");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.body().path("code").asInt()).isEqualTo(400);
    assertThat(broken.body().toString()).doesNotContain("Source").doesNotContain("_links");
    ConsoleClient.Answer missing = client.get("/api/v1/no-such-thing");
    assertThat(missing.status()).isIn(401, 404); // unknown to anyone but an operator
    assertThat(missing.body().path("message").asText()).isNotEmpty();
  }

  @Test
  void itSpeaksHttpsOnly() throws Exception {
    HttpClient plain = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/setup"))
            .timeout(java.time.Duration.ofSeconds(10))
            .build();
    Exception refused = null;
    HttpResponse<String> answer = null;
    try {
      answer = plain.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      refused = e;
    }
    assertThat(answer == null || answer.statusCode() == 400)
        .as("clear HTTP gets no API answer: %s", answer == null ? refused : answer.body())
        .isTrue();
    if (answer != null) {
      assertThat(answer.body()).doesNotContain("needed");
    }
  }
}
