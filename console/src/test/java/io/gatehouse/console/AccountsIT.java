package io.gatehouse.console;

import static io.gatehouse.testsupport.ConsoleClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testsupport.ConsoleClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Accounts, sessions and API tokens on a console that is set up: cookies a script in the page
 * cannot read, writes refused without the CSRF token, roles enforced, lock-out after failed logins,
 * tokens shown once and dead once revoked.
 */
@MicronautTest
class AccountsIT extends RunningConsole {
  private ConsoleClient admin;

  @BeforeAll
  void setUp() {
    admin = setUpAdmin();
  }

  @Test
  void aSessionCookieIsHttpOnlySecureStrictAndWritesNeedItsCsrfToken() {
    ConsoleClient.Answer login = client().login("root", PASSWORD);
    assertThat(login.header("Set-Cookie"))
        .contains("gatehouse_session=")
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("Secure")
        .containsIgnoringCase("SameSite=Strict");
    assertThat(login.header("Cache-Control")).isEqualTo("no-store");

    ConsoleClient.Answer noCsrf =
        admin.send("POST", "/api/v1/accounts", newAccount("csrf-less", "operator"), null);
    assertThat(noCsrf.status()).isEqualTo(403);
    ConsoleClient.Answer wrongCsrf =
        admin.send("POST", "/api/v1/accounts", newAccount("csrf-less", "operator"), "forged");
    assertThat(wrongCsrf.status()).isEqualTo(403);
    assertThat(admin.get("/api/v1/accounts").body().path("accounts").findValuesAsText("name"))
        .doesNotContain("csrf-less");
  }

  @Test
  void rolesDecideWhoMayWrite() {
    assertThat(admin.send("POST", "/api/v1/accounts", newAccount("watcher", "read-only")).status())
        .isEqualTo(201);
    assertThat(admin.send("POST", "/api/v1/accounts", newAccount("ops", "operator")).status())
        .isEqualTo(201);
    assertThat(admin.send("POST", "/api/v1/accounts", newAccount("ops", "operator")).status())
        .isEqualTo(409);
    ConsoleClient.Answer badRole = admin.send("POST", "/api/v1/accounts", newAccount("x", "root"));
    assertThat(badRole.status()).isEqualTo(400);
    assertThat(badRole.body().path("field_violations").findValuesAsText("field"))
        .containsExactly("role");

    ConsoleClient watcher = client();
    assertThat(watcher.login("watcher", PASSWORD).body().path("role").asText())
        .isEqualTo("read-only");
    assertThat(watcher.get("/api/v1/session").body().path("account").asText()).isEqualTo("watcher");
    assertThat(watcher.get("/api/v1/accounts").status()).isEqualTo(403); // an admin's business
    ConsoleClient ops = client();
    ops.login("ops", PASSWORD);
    assertThat(ops.send("POST", "/api/v1/accounts", newAccount("more", "admin")).status())
        .isEqualTo(403);
    // another spelling of the same path reaches the same check
    assertThat(ops.send("POST", "/api/v1/%61ccounts", newAccount("more", "admin")).status())
        .isIn(403, 404);
    assertThat(ops.get("/api/v1/%61ccounts").status()).isIn(403, 404);
    assertThat(admin.get("/api/v1/accounts").body().path("accounts").findValuesAsText("name"))
        .doesNotContain("more");

    assertThat(watcher.send("DELETE", "/api/v1/session", null).status()).isEqualTo(204);
    assertThat(watcher.get("/api/v1/session").status()).isEqualTo(401); // the session is over
  }

  @Test
  void failedLoginsLockAnAccountOutEvenForItsRightPassword() {
    admin.send("POST", "/api/v1/accounts", newAccount("target", "operator"));
    ConsoleClient attacker = client();
    assertThat(attacker.login("nobody-at-all", "wrong password!").status()).isEqualTo(401);
    for (int i = 0; i < 3; i++) {
      assertThat(client().login("target", "wrong password " + i).status()).isEqualTo(401);
    }
    ConsoleClient.Answer locked = client().login("target", PASSWORD);
    assertThat(locked.status()).isEqualTo(429);
    assertThat(locked.body().path("message").asText()).contains("try again");
  }

  @Test
  void anApiTokenIsShownOnceWorksWithoutCsrfAndDiesWhenRevoked() {
    ConsoleClient.Answer made = admin.send("POST", "/api/v1/tokens", json().put("name", "ci job"));
    assertThat(made.status()).isEqualTo(201);
    String token = made.body().path("token").asText();
    String id = made.body().path("id").asText();
    assertThat(token).startsWith("ghc_");
    assertThat(admin.get("/api/v1/tokens").body().toString()).contains(id).doesNotContain(token);

    ConsoleClient script = client().withToken(token);
    assertThat(script.get("/api/v1/session").body().path("account").asText()).isEqualTo("root");
    assertThat(
            script
                .send("POST", "/api/v1/accounts", newAccount("by-token", "read-only"), null)
                .status())
        .isEqualTo(201);

    assertThat(admin.send("DELETE", "/api/v1/tokens/" + id, null).status()).isEqualTo(204);
    assertThat(script.get("/api/v1/session").status()).isEqualTo(401);
    assertThat(client().withToken("ghc_made-up").get("/api/v1/session").status()).isEqualTo(401);
  }

  @Test
  void anAdminChangesAndDeletesAccountsButNeverTheLastAdmin() {
    admin.send("POST", "/api/v1/accounts", newAccount("changing", "read-only"));
    ConsoleClient changing = client();
    changing.login("changing", PASSWORD);
    ConsoleClient.Answer token = changing.send("POST", "/api/v1/tokens", json().put("name", "t"));
    ConsoleClient byToken = client().withToken(token.body().path("token").asText());

    ConsoleClient.Answer promoted =
        admin.send("PATCH", "/api/v1/accounts/changing", json().put("role", "operator"));
    assertThat(promoted.status()).isEqualTo(200);
    assertThat(promoted.body().path("role").asText()).isEqualTo("operator");
    assertThat(changing.get("/api/v1/session").body().path("role").asText()).isEqualTo("operator");

    // a new password ends the account's sessions; its API tokens live on
    assertThat(
            admin
                .send(
                    "PATCH",
                    "/api/v1/accounts/changing",
                    json().put("password", "another long one"))
                .status())
        .isEqualTo(200);
    assertThat(changing.get("/api/v1/session").status()).isEqualTo(401);
    assertThat(client().login("changing", PASSWORD).status()).isEqualTo(401);
    assertThat(client().login("changing", "another long one").status()).isEqualTo(200);
    assertThat(byToken.get("/api/v1/session").status()).isEqualTo(200);

    ConsoleClient.Answer weak =
        admin.send("PATCH", "/api/v1/accounts/changing", json().put("password", "short"));
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.body().path("field_violations").findValuesAsText("field"))
        .containsExactly("password");
    assertThat(admin.send("PATCH", "/api/v1/accounts/nobody", json().put("role", "admin")).status())
        .isEqualTo(404);

    // deleting ends everything the account had
    assertThat(admin.send("DELETE", "/api/v1/accounts/changing", null).status()).isEqualTo(204);
    assertThat(byToken.get("/api/v1/session").status()).isEqualTo(401);
    assertThat(client().login("changing", "another long one").status()).isEqualTo(401);

    // root is the only admin: it can be neither demoted nor deleted
    assertThat(
            admin.send("PATCH", "/api/v1/accounts/root", json().put("role", "operator")).status())
        .isEqualTo(409);
    assertThat(admin.send("DELETE", "/api/v1/accounts/root", null).status()).isEqualTo(409);
    assertThat(admin.get("/api/v1/session").body().path("role").asText()).isEqualTo("admin");
  }

  @Test
  void anyAccountChangesItsOwnPasswordKnowingTheCurrentOne() {
    admin.send("POST", "/api/v1/accounts", newAccount("own", "read-only"));
    ConsoleClient own = client();
    own.login("own", PASSWORD);
    ConsoleClient.Answer wrong =
        own.send(
            "PUT",
            "/api/v1/session/password",
            json().put("current_password", "not it at all").put("new_password", "my own new one"));
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.body().path("field_violations").findValuesAsText("field"))
        .containsExactly("current_password");
    assertThat(
            own.send(
                    "PUT",
                    "/api/v1/session/password",
                    json().put("current_password", PASSWORD).put("new_password", "my own new one"))
                .status())
        .isEqualTo(204);
    assertThat(own.get("/api/v1/session").status()).isEqualTo(401);
    assertThat(client().login("own", "my own new one").status()).isEqualTo(200);
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode newAccount(
      String name, String role) {
    return json().put("name", name).put("role", role).put("password", PASSWORD);
  }
}
