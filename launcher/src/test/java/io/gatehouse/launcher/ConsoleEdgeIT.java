package io.gatehouse.launcher;

import static io.gatehouse.testsupport.ConsoleClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testsupport.ConsoleClient;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The console through {@code gatehouse up}: its address and one-time setup code are printed, its
 * HTTPS certificate is trusted through the CA in its state folder, the setup code makes the admin
 * account, the admin logs in and reads the demo app's pool from policy-svc through the console.
 */
@Order(1)
class ConsoleEdgeIT {
  static final String ADMIN = "admin";
  static final String ADMIN_PASSWORD = "a long walkthrough password";

  @Test
  void theSetupCodeGatehouseUpPrintsMakesTheAdminWhoLogsIn() {
    RunningPlatform platform = RunningPlatform.shared();
    String output = platform.output();
    assertThat(output).contains("console:   https://127.0.0.1:" + platform.consolePort + "/api/v1");
    Matcher printed = Pattern.compile("one-time setup code ([A-Z0-9-]{24})").matcher(output);
    assertThat(printed.find()).as(output).isTrue();

    Path console = platform.home.resolve("console");
    ConsoleClient admin = platform.console();
    assertThat(admin.get("/api/v1/setup").body().path("needed").asBoolean()).isTrue();
    ConsoleClient.Answer setup =
        admin.send(
            "POST",
            "/api/v1/setup",
            json()
                .put("setup_code", printed.group(1))
                .put("name", ADMIN)
                .put("password", ADMIN_PASSWORD));
    assertThat(setup.status()).as(String.valueOf(setup.body())).isEqualTo(201);
    assertThat(console.resolve("setup-code")).doesNotExist();

    ConsoleClient.Answer login = admin.login(ADMIN, ADMIN_PASSWORD);
    assertThat(login.status()).as(String.valueOf(login.body())).isEqualTo(200);
    assertThat(login.body().path("role").asText()).isEqualTo("admin");
    assertThat(login.body().path("csrf_token").asText()).isNotEmpty();

    // the console reads policy-svc over the services' TLS: the demo app's pool, from its labels
    ConsoleClient.Answer pools = admin.get("/api/v1/policy/pool?source=marathon-app");
    assertThat(pools.status()).as(String.valueOf(pools.body())).isEqualTo(200);
    assertThat(pools.body().path("pools").findValuesAsText("marathon_app_id"))
        .contains("/webappew1");
  }
}
