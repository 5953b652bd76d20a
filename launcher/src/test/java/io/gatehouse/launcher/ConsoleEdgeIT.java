package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.launcher.browser.ConsoleBrowser;
import io.gatehouse.testsupport.ConsoleClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The console through {@code gatehouse up}, from its empty database: its address and one-time setup
 * code are printed, and an operator goes through the setup wizard in a real browser (Chromium) —
 * the administrator made with the code, the Marathon and Mesos master tested and kept, the engines'
 * deployment generated a key for and kept — to the demo app's virtual service converged on every
 * engine and answering through them. Then the admin logs in through the API and reads the demo
 * app's pool from policy-svc through the console.
 */
@Order(1)
class ConsoleEdgeIT {
  static final String ADMIN = "admin";
  static final String ADMIN_PASSWORD = "a long walkthrough password";
  private static final String DEMO_VS = "webappew1/10001";

  @Test
  void theSetupWizardTakesAnEmptyConsoleToTheDemoAppAnswering() throws Exception {
    RunningPlatform platform = RunningPlatform.shared();
    String output = platform.output();
    assertThat(output)
        .contains("console:   https://127.0.0.1:" + platform.consolePort + "/   (the web console");
    Matcher printed = Pattern.compile("one-time setup code ([A-Z0-9-]{24})").matcher(output);
    assertThat(printed.find()).as(output).isTrue();
    ConsoleClient admin = platform.console();
    assertThat(admin.get("/api/v1/setup").body().path("needed").asBoolean()).isTrue();

    try (ConsoleBrowser browser =
        ConsoleBrowser.open(platform.consolePort, platform.home.resolve("console/tls/ca.pem"))) {
      browser.go("");
      browser.waitForText("Set up Gatehouse");
      browser.screenshot("setup-wizard");
      // a wrong code is refused and shown, and makes nothing
      browser.type("Setup code", "WRONG-CODE-WRONG-CODE-00");
      browser.type("Account name", ADMIN);
      browser.type("Password", ADMIN_PASSWORD);
      browser.type("Password again", ADMIN_PASSWORD);
      browser.click("Create the administrator");
      browser.waitForText("wrong setup code");
      browser.type("Setup code", printed.group(1));
      browser.click("Create the administrator");

      // Marathon and Mesos: what gatehouse up configured, tried and kept
      browser.waitForText("Test connection");
      assertThat(browser.field("Marathon URLs").getAttribute("value"))
          .isEqualTo("http://127.0.0.1:" + platform.marathonPort);
      browser.click("Test connection");
      String reached = browser.waitForText("agents");
      assertThat(reached)
          .contains("Marathon yes")
          .contains("Mesos master yes")
          .contains("2 agents");
      browser.screenshot("setup-cloud");
      browser.click("Save and continue");

      // the engines: a key pair generated for SSH, its public key shown to copy; then kept local
      browser.waitForText("One service engine runs on every node");
      org.openqa.selenium.support.ui.Select method =
          new org.openqa.selenium.support.ui.Select(browser.field("Deployment"));
      assertThat(method.getFirstSelectedOption().getAttribute("value"))
          .isEqualTo("DEPLOYMENT_METHOD_LOCAL");
      method.selectByValue("DEPLOYMENT_METHOD_SSH");
      browser.type("Key name", "wizard-key");
      browser.click("Generate key pair");
      assertThat(browser.find(".public-key").getAttribute("value")).startsWith("ssh-");
      browser.click("Copy public key");
      browser.until(
          d -> {
            String shown = d.findElement(org.openqa.selenium.By.id("main")).getText();
            return shown.contains("Copied.") || shown.contains("copy it with Ctrl-C") ? true : null;
          });
      browser.screenshot("setup-engines");
      method.selectByValue("DEPLOYMENT_METHOD_LOCAL");
      browser.click("Save and continue");

      // the end: the demo app's virtual service on every engine
      browser.waitForText("Gatehouse is set up");
      browser.until(
          d -> {
            String shown = d.findElement(org.openqa.selenium.By.id("main")).getText();
            return shown.contains(DEMO_VS + " every engine:10001 converged") ? shown : null;
          });
      browser.screenshot("setup-done");
    }
    assertThat(platform.home.resolve("console").resolve("setup-code")).doesNotExist();
    // the code is spent: no second setup, whatever it brings
    ConsoleClient.Answer again =
        admin.send(
            "POST",
            "/api/v1/setup",
            ConsoleClient.json()
                .put("setup_code", printed.group(1))
                .put("name", "second")
                .put("password", ADMIN_PASSWORD));
    assertThat(again.status()).isEqualTo(409);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    await()
        .atMost(RunningPlatform.WAIT)
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.2:10001/")).build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);

    ConsoleClient.Answer login = admin.login(ADMIN, ADMIN_PASSWORD);
    assertThat(login.status()).as(String.valueOf(login.body())).isEqualTo(200);
    assertThat(login.body().path("role").asText()).isEqualTo("admin");
    assertThat(login.body().path("csrf_token").asText()).isNotEmpty();
    assertThat(admin.send("DELETE", "/api/v1/ssh-keys/wizard-key", null).status()).isEqualTo(204);

    // the console reads policy-svc over the services' TLS: the demo app's pool, from its labels
    ConsoleClient.Answer pools = admin.get("/api/v1/policy/pool?source=marathon-app");
    assertThat(pools.status()).as(String.valueOf(pools.body())).isEqualTo(200);
    assertThat(pools.body().path("pools").findValuesAsText("marathon_app_id"))
        .contains("/webappew1");
  }
}
