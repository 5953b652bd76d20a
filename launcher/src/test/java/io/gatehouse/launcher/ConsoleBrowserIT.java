package io.gatehouse.launcher;

import static io.gatehouse.testsupport.ConsoleClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.launcher.browser.ConsoleBrowser;
import io.gatehouse.testsupport.ConsoleClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

/**
 * The web console's pages in a real browser (Chromium), on the platform {@code gatehouse up} runs
 * and with traffic sent through its engines during the test: the dashboard, the demo app's virtual
 * service drawing its charts from that traffic, a request appearing in the live log, the
 * application map showing the demo app's tasks, the engines, and a policy edit refused with a field
 * error and then with a revision conflict. Each page's screenshot is kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(2) // after ConsoleEdgeIT, which sets the console up; before WalkthroughIT stops the platform
class ConsoleBrowserIT {
  private static final String DEMO_VS = "webappew1/10001";
  private static final URI DEMO = URI.create("http://127.0.0.2:10001");
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private RunningPlatform platform;
  private ConsoleClient admin;
  private ConsoleBrowser browser;

  @BeforeAll
  void logIn() {
    platform = RunningPlatform.shared();
    admin = platform.console();
    assertThat(admin.login(ConsoleEdgeIT.ADMIN, ConsoleEdgeIT.ADMIN_PASSWORD).status())
        .as("ConsoleEdgeIT sets the console up first")
        .isEqualTo(200);
    browser =
        ConsoleBrowser.open(platform.consolePort, platform.home.resolve("console/tls/ca.pem"));
    browser.go("");
    browser.type("Account", ConsoleEdgeIT.ADMIN);
    browser.type("Password", ConsoleEdgeIT.ADMIN_PASSWORD);
    browser.click("Log in");
    browser.waitForText("Dashboard");
  }

  @AfterAll
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  @Order(1)
  void theDashboardShowsAppsServicesAndEngines() throws Exception {
    // an app whose label is at fault: its error shows in red, with the label and the field
    new PlatformCalls(platform).post("badlabels", 10377, "{\"services\": [{\"port\": 99999}]}");
    JsonNode error =
        org.awaitility.Awaitility.await()
            .atMost(RunningPlatform.WAIT)
            .until(
                () -> admin.get("/api/v1/apps/badlabels").body().path("label_errors").path(0),
                e -> !e.isMissingNode());
    send("/dashboard", 20);
    String shown = browser.waitForText("Every change has reached every engine");
    assertThat(shown)
        .contains("Virtual services")
        .contains(DEMO_VS)
        .contains("/webappew1")
        .contains("converged");
    // its rate, once analytics has the requests just sent (the page refreshes every 5 seconds)
    browser.until(
        d ->
            java.util.regex.Pattern.compile(
                        java.util.regex.Pattern.quote(DEMO_VS)
                            + " every engine:10001 (?!0\\.00/s)[0-9]")
                    .matcher(d.findElement(By.id("main")).getText())
                    .find()
                ? true
                : null);
    String fault =
        error.path("label").asText()
            + (error.path("field").asText().isEmpty()
                ? ""
                : " (" + error.path("field").asText() + ")")
            + ": "
            + error.path("message").asText();
    org.openqa.selenium.WebElement shownError =
        browser.until(
            d ->
                d.findElements(By.cssSelector(".label-error")).stream()
                    .filter(e -> e.getText().equals(fault))
                    .findFirst()
                    .orElse(null));
    assertThat(shownError.getCssValue("color")).isEqualTo("rgba(179, 38, 30, 1)");
    browser.screenshot("dashboard");
    deleteApp("badlabels");
    browser.resize(390, 844);
    browser.waitForText(DEMO_VS);
    browser.screenshot("dashboard-phone");
    browser.resize(1280, 800);
  }

  @Test
  @Order(2)
  void theVirtualServicePageDrawsItsChartsFromTraffic() throws Exception {
    send("/charts", 60);
    browser.go("#/vs/" + DEMO_VS.replace("/", "%2F"));
    browser.waitForText("Timing breakdown");
    // the page redraws every ten seconds: wait for a drawing with the requests just sent
    browser.until(d -> drawn(d, "traffic-chart", "data-requests") > 0 ? true : null);
    browser.until(d -> drawn(d, "timing-chart", "data-milliseconds") > 0 ? true : null);
    assertThat(browser.find("#traffic-chart canvas")).isNotNull();
    assertThat(browser.find("#timing-chart canvas")).isNotNull();
    String members = browser.waitForText("%");
    assertThat(members).contains("Client RTT (p95)").contains("App response (p95)");
    new org.openqa.selenium.support.ui.Select(browser.field("Percentile"))
        .selectByVisibleText("p99");
    browser.waitForText("App response (p99)");
    browser.screenshot("virtual-service");
  }

  @Test
  @Order(3)
  void aRequestMadeNowAppearsInTheLiveLog() throws Exception {
    browser.go("#/logs?vs=" + DEMO_VS.replace("/", "%2F"));
    browser.waitForText("Live tail");
    browser.type("URI prefix", "/browser-live");
    browser.field("Live tail").click();
    // the follow is open once the backlog (none yet for this prefix) has been asked for
    browser.waitForText("No client logs match");
    send("/browser-live-now", 3);
    String shown = browser.waitForText("/browser-live-now");
    assertThat(shown).contains("GET /browser-live-now").contains("404");
    browser.screenshot("client-logs");
  }

  @Test
  @Order(4)
  void theApplicationMapShowsTheDemoAppsTasks() throws Exception {
    List<String> tasks = new ArrayList<>();
    admin
        .get("/api/v1/apps/webappew1")
        .body()
        .path("tasks")
        .forEach(t -> tasks.add(t.path("id").asText()));
    assertThat(tasks).isNotEmpty();
    send("/map", 20);
    browser.go("#/map");
    String shown = browser.waitForText(tasks.get(0));
    assertThat(shown).contains(DEMO_VS).contains("webappew1"); // the pool, between
    assertThat(browser.find("#app-map canvas")).isNotNull();
    browser.screenshot("application-map");
  }

  @Test
  @Order(5)
  void theEnginesAndAutoscalingPagesShowWhatTheManagerAndAutoscalerKnow() {
    browser.go("#/engines");
    String engines = browser.waitForText("connected");
    assertThat(engines).contains("default@127.0.0.2").contains("default@127.0.0.3");
    browser.find("#main table button.link").click();
    browser.waitForText("Configuration");
    browser.screenshot("engines");
    browser.go("#/autoscaling");
    browser.waitForText("Decisions of the last seven days");
    browser.screenshot("autoscaling");
  }

  @Test
  @Order(6)
  void aPolicyEditIsRefusedAtItsFieldAndOnAStaleRevision() {
    ObjectNode monitor =
        json().<ObjectNode>set("meta", json().put("name", "browser-monitor")).set("tcp", json());
    monitor.put("successful_checks", 3);
    ConsoleClient.Answer created = admin.send("POST", "/api/v1/policy/health-monitor", monitor);
    assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
    try {
      browser.go("#/policy/health-monitor/browser-monitor");
      browser.waitForText("Revision");
      browser.type("successful_checks", "99");
      browser.click("Save");
      String refused = browser.waitForText("must be 1 to 50");
      assertThat(refused).contains("successful_checks: must be 1 to 50");
      assertThat(browser.field("successful_checks").getAttribute("aria-invalid")).isEqualTo("true");
      browser.screenshot("policy-field-error");

      // someone else changes the object meanwhile: the next save is refused, and explained
      JsonNode theirs = admin.get("/api/v1/policy/health-monitor/browser-monitor").body();
      ConsoleClient.Answer other =
          admin.send(
              "PUT",
              "/api/v1/policy/health-monitor/browser-monitor",
              ((ObjectNode) theirs.deepCopy()).put("failed_checks", 4),
              admin.csrf(),
              created.header("ETag"));
      assertThat(other.status()).as(String.valueOf(other.body())).isEqualTo(200);
      browser.type("successful_checks", "5");
      browser.click("Save");
      String conflict = browser.waitForText("changed since you opened it");
      assertThat(conflict).contains("failed_checks").contains("Reload");
      browser.screenshot("policy-conflict");
      browser.click("Reload");
      assertThat(browser.field("failed_checks").getAttribute("value")).isEqualTo("4");
      browser.type("successful_checks", "5");
      browser.click("Save");
      browser.waitForText("Saved: revision");
    } finally {
      admin.send("DELETE", "/api/v1/policy/health-monitor/browser-monitor", null);
    }
    assertThat(admin.get("/api/v1/policy/health-monitor/browser-monitor").status()).isEqualTo(404);
  }

  private void deleteApp(String id) throws Exception {
    HttpResponse<String> deleted =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + platform.marathonPort + "/v2/apps/" + id))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
  }

  /** The figure a chart says it drew (its sum), 0 before its first drawing. */
  private static double drawn(org.openqa.selenium.WebDriver page, String chart, String attribute) {
    String figure = page.findElement(By.id(chart)).getDomAttribute(attribute);
    return figure == null ? 0 : Double.parseDouble(figure);
  }

  /** {@code count} requests for {@code path} through the engines, to the demo app. */
  private void send(String path, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      http.send(
          HttpRequest.newBuilder(DEMO.resolve(path)).build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }
}
