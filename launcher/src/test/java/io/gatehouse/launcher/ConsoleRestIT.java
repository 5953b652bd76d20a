package io.gatehouse.launcher;

import static io.gatehouse.testsupport.ConsoleClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.gatehouse.testsupport.ConsoleClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The walkthrough through the console's REST API instead of the CLI, on the platform {@code
 * gatehouse up} runs: the demo app and the nodes discovery-svc follows, a connection test of its
 * Marathon and Mesos master, the app scaled by an API token and refused to a read-only account, the
 * engines and their convergence, SSH keys, what analytics measured of requests sent now, and the
 * policy objects with their change stream. Last, every operation of the API document ({@code
 * /api/openapi.yaml}) must have been called by a test of this run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(2) // after ConsoleEdgeIT, which sets the console up; before WalkthroughIT stops the platform
class ConsoleRestIT {
  private static final Duration WAIT = RunningPlatform.WAIT;
  private static final String DEMO_VS = "webappew1/10001";
  private RunningPlatform platform;
  private ConsoleClient admin;

  @BeforeAll
  void logIn() {
    platform = RunningPlatform.shared();
    admin = platform.console();
    assertThat(admin.login(ConsoleEdgeIT.ADMIN, ConsoleEdgeIT.ADMIN_PASSWORD).status())
        .as("ConsoleEdgeIT sets the console up first")
        .isEqualTo(200);
  }

  @Test
  @Order(1)
  void theAppsAndNodesDiscoveryFollowsAreServed() {
    assertThat(admin.get("/api/v1/setup").body().path("needed").asBoolean()).isFalse();
    assertThat(admin.get("/api/v1/session").body().path("account").asText())
        .isEqualTo(ConsoleEdgeIT.ADMIN);
    assertThat(ok(admin.get("/api/v1/apps")).path("apps").findValuesAsText("id"))
        .contains("/webappew1");
    JsonNode app = ok(admin.get("/api/v1/apps/webappew1"));
    assertThat(app.path("id").asText()).isEqualTo("/webappew1");
    assertThat(app.path("labels").size()).isPositive();
    assertThat(admin.get("/api/v1/apps/no-such-app").status()).isEqualTo(404);
    assertThat(ok(admin.get("/api/v1/nodes")).path("nodes").size()).isEqualTo(2);
    JsonNode sync = ok(admin.get("/api/v1/sync-status"));
    assertThat(sync.path("marathons").size()).isEqualTo(1);

    // the settings discovery-svc follows, tried as an operator tries new ones
    JsonNode tried =
        ok(
            admin.send(
                "POST",
                "/api/v1/connection-test",
                json()
                    .put("marathon_url", sync.path("marathons").get(0).path("url").asText())
                    .put("mesos_url", sync.path("mesos").path("url").asText())));
    assertThat(tried.path("marathon").path("reached").asBoolean()).as(tried.toString()).isTrue();
    assertThat(tried.path("marathon").path("app_count").asInt()).isPositive();
    assertThat(tried.path("mesos").path("agent_count").asInt()).isEqualTo(2);
    // the cloud settings, seeded from discovery-svc's startup configuration, given credentials:
    // followed at once, the credentials never answered
    ConsoleClient.Answer seeded = admin.get("/api/v1/policy/cloud/default");
    assertThat(seeded.status()).as(String.valueOf(seeded.body())).isEqualTo(200);
    assertThat(seeded.body().path("marathon_urls").get(0).asText())
        .isEqualTo(sync.path("marathons").get(0).path("url").asText());
    ConsoleClient.Answer cloud =
        admin.send(
            "PUT",
            "/api/v1/policy/cloud/default",
            ((com.fasterxml.jackson.databind.node.ObjectNode) seeded.body())
                .put("marathon_credentials", "walkthrough:not-needed-here"),
            admin.csrf(),
            seeded.header("ETag"));
    assertThat(cloud.status()).as(String.valueOf(cloud.body())).isEqualTo(200);
    assertThat(cloud.body().path("credentials_set").asBoolean()).isTrue();
    assertThat(cloud.body().toString()).doesNotContain("not-needed-here");
    long revision = cloud.body().path("meta").path("revision").asLong();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              JsonNode now = ok(admin.get("/api/v1/sync-status"));
              return now.path("cloud_revision").asLong() == revision
                  && now.path("marathons")
                      .get(0)
                      .path("event_stream_state")
                      .asText()
                      .equals("EVENT_STREAM_STATE_CONNECTED");
            });
    // and the Cloud's own status says so, for that revision
    await()
        .atMost(WAIT)
        .until(
            () -> {
              JsonNode status = ok(admin.get("/api/v1/policy/cloud/default")).path("status");
              return status.path("state").asText().equals("STATE_SYNCED")
                  && status.path("applied_revision").asLong() == revision;
            });
    assertThat(ok(admin.get("/api/v1/apps")).path("apps").findValuesAsText("id"))
        .contains("/webappew1");
    assertThat(admin.send("DELETE", "/api/v1/policy/cloud/default", null).status()).isEqualTo(204);
    await().atMost(WAIT).until(() -> !ok(admin.get("/api/v1/sync-status")).has("cloud_revision"));
    ConsoleClient.Answer notAUrl =
        admin.send("POST", "/api/v1/connection-test", json().put("marathon_url", "file:///etc"));
    assertThat(notAUrl.status()).isEqualTo(400);
    assertThat(notAUrl.body().path("field_violations").findValuesAsText("field"))
        .containsExactly("marathon_url");
  }

  @Test
  @Order(2)
  void anApiTokenScalesTheAppAndAReadOnlyAccountMayNot() {
    assertThat(
            admin
                .send(
                    "POST",
                    "/api/v1/accounts",
                    json()
                        .put("name", "watcher")
                        .put("role", "read-only")
                        .put("password", "a long read-only password"))
                .status())
        .isEqualTo(201);
    assertThat(ok(admin.get("/api/v1/accounts")).path("accounts").findValuesAsText("name"))
        .contains("watcher");
    ConsoleClient watcher = platform.console();
    watcher.login("watcher", "a long read-only password");
    assertThat(
            watcher
                .send("POST", "/api/v1/apps/webappew1/scale", json().put("instances", 3))
                .status())
        .isEqualTo(403);
    assertThat(watcher.send("DELETE", "/api/v1/session", null).status()).isEqualTo(204);
    assertThat(watcher.get("/api/v1/apps").status()).isEqualTo(401);
    watcher.login("watcher", "a long read-only password");
    assertThat(
            watcher
                .send(
                    "PUT",
                    "/api/v1/session/password",
                    json()
                        .put("current_password", "a long read-only password")
                        .put("new_password", "a new read-only password"))
                .status())
        .isEqualTo(204);
    assertThat(
            admin
                .send("PATCH", "/api/v1/accounts/watcher", json().put("role", "operator"))
                .status())
        .isEqualTo(200);
    assertThat(admin.send("DELETE", "/api/v1/accounts/watcher", null).status()).isEqualTo(204);
    assertThat(platform.console().login("watcher", "a new read-only password").status())
        .isEqualTo(401);

    ConsoleClient.Answer made =
        admin.send("POST", "/api/v1/tokens", json().put("name", "rest-walkthrough"));
    assertThat(made.status()).isEqualTo(201);
    ConsoleClient script = platform.console().withToken(made.body().path("token").asText());
    scaleTo(script, 3);
    scaleTo(script, 2); // as the walkthrough found it
    assertThat(ok(admin.get("/api/v1/tokens")).path("tokens").findValuesAsText("name"))
        .contains("rest-walkthrough");
    assertThat(
            admin
                .send("DELETE", "/api/v1/tokens/" + made.body().path("id").asText(), null)
                .status())
        .isEqualTo(204);
    assertThat(script.get("/api/v1/apps").status()).isEqualTo(401);
  }

  @Test
  @Order(3)
  void theEnginesAndTheirConvergenceAreServed() {
    await()
        .atMost(WAIT)
        .until(
            () ->
                ok(admin.get("/api/v1/engines?states=SERVICE_ENGINE_STATE_CONNECTED"))
                        .path("service_engines")
                        .size()
                    == 2);
    String id = ok(admin.get("/api/v1/engines")).path("service_engines").get(0).path("id").asText();
    assertThat(ok(admin.get("/api/v1/engines/" + id)).path("resources").size()).isPositive();
    assertThat(ok(admin.get("/api/v1/engines/" + id + "/events?page_size=5")).path("events").size())
        .isPositive();
    JsonNode convergence = ok(admin.get("/api/v1/convergence?virtual_service=" + DEMO_VS));
    assertThat(convergence.path("virtual_services").findValuesAsText("name"))
        .containsExactly(DEMO_VS);
    // the others' routes reach se-manager-svc; no engine of this run is disturbed
    assertThat(admin.send("POST", "/api/v1/engines/no-such-engine/redeploy", null).status())
        .isEqualTo(404);
    assertThat(admin.send("POST", "/api/v1/engines/no-such-engine/decommission", null).status())
        .isEqualTo(404);
  }

  @Test
  @Order(3)
  void theLeaderOfEveryDutyIsNamed() {
    // one replica of each service here: it leads every duty and says so
    for (String service : List.of("discovery", "se-manager", "analytics")) {
      JsonNode leaders = ok(admin.get("/api/v1/leaders/" + service));
      assertThat(leaders.path("leaderships")).as(service).hasSize(1);
      JsonNode leadership = leaders.path("leaderships").get(0);
      assertThat(leadership.path("duty").asText()).startsWith(service);
      assertThat(leadership.path("leader").asText())
          .isEqualTo(leaders.path("replica").asText())
          .matches(".+:[0-9]+");
      assertThat(leadership.path("this_replica").asBoolean()).isTrue();
    }
    // the CLI prints the same, one line per duty
    InProcessCli.Result cli = InProcessCli.run(platform.cliArgs("leaders").toArray(String[]::new));
    assertThat(cli.code()).as(cli.output()).isZero();
    assertThat(cli.output())
        .contains("SERVICE", "DUTY", "LEADER", "ANSWERED BY")
        .contains("discovery-svc/policy-writer", "se-manager-svc/reconciler")
        .contains("analytics-svc/autoscaler")
        .doesNotContain("(none)");
  }

  @Test
  @Order(4)
  void sshKeysAreGeneratedListedAndDeletedAndABadOneIsRefused() {
    ConsoleClient.Answer generated =
        admin.send(
            "POST",
            "/api/v1/ssh-keys/generate",
            json().put("name", "rest-key").put("algorithm", "ed25519"));
    assertThat(generated.status()).as(String.valueOf(generated.body())).isEqualTo(201);
    assertThat(generated.body().path("public_key").asText()).startsWith("ssh-ed25519 ");
    assertThat(generated.body().has("private_key")).isFalse();
    assertThat(ok(admin.get("/api/v1/ssh-keys")).path("ssh_keys").findValuesAsText("name"))
        .contains("rest-key");
    ConsoleClient.Answer bad =
        admin.send(
            "POST",
            "/api/v1/ssh-keys",
            json().put("name", "bad-key").put("private_key", "not a key"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().path("message").asText()).doesNotContain("not a key");
    assertThat(admin.send("DELETE", "/api/v1/ssh-keys/rest-key", null).status()).isEqualTo(204);
  }

  @Test
  @Order(5)
  void analyticsAnswersForRequestsSentNow() throws Exception {
    ConsoleClient.Events follow =
        admin.events(
            "/api/v1/logs/follow?filter.virtual_service="
                + DEMO_VS
                + "&filter.uri_prefix=/rest-walk",
            null);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.2:10001/rest-walkthrough")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(404); // the demo app's answer to that path
    }
    String since = "range.start_time=" + Instant.now().minusSeconds(600);
    await()
        .atMost(WAIT)
        .until(
            () ->
                ok(admin.get(
                            "/api/v1/logs?virtual_service="
                                + DEMO_VS
                                + "&uri_prefix=/rest-walk&"
                                + since))
                        .path("logs")
                        .size()
                    >= 10);
    // the follow sends the same ten, each once, as analytics-svc stores them
    List<String> followed = new ArrayList<>();
    try (follow) {
      await()
          .atMost(WAIT)
          .until(
              () -> {
                ConsoleClient.Event event = follow.next();
                if (event != null) {
                  assertThat(event.name()).isEqualTo("logs");
                  new com.fasterxml.jackson.databind.ObjectMapper()
                      .readTree(event.data())
                      .path("logs")
                      .forEach(log -> followed.add(log.path("uri_path").asText()));
                }
                return followed.size() >= 10;
              });
    }
    assertThat(followed).hasSize(10).containsOnly("/rest-walkthrough");
    JsonNode metrics =
        ok(
            admin.get(
                "/api/v1/metrics?target.virtual_service="
                    + DEMO_VS
                    + "&metrics=METRIC_REQUESTS&metrics=METRIC_ERRORS_5XX&"
                    + since));
    assertThat(metrics.path("series").findValuesAsText("metric"))
        .containsExactly("METRIC_REQUESTS", "METRIC_ERRORS_5XX");
    assertThat(
            ok(admin.get("/api/v1/latency?target.virtual_service=" + DEMO_VS + "&" + since))
                .path("components")
                .size())
        .isPositive();
    assertThat(ok(admin.get("/api/v1/app-map?" + since)).path("nodes").size()).isPositive();
    ok(admin.get("/api/v1/autoscale-decisions?app_id=/webappew1&" + since));
  }

  @Test
  @Order(6)
  void policyObjectsAreWrittenOnTheirRevisionAndTheirChangesStream() throws Exception {
    assertThat(ok(admin.get("/api/v1/policy")).path("kinds").toString()).contains("pool");
    assertThat(ok(admin.get("/api/v1/policy/virtual-service")).path("virtual_services").toString())
        .contains(DEMO_VS);
    assertThat(
            ok(admin.get("/api/v1/policy/virtual-service/" + DEMO_VS))
                .path("meta")
                .path("name")
                .asText())
        .isEqualTo(DEMO_VS);
    ConsoleClient.Answer created =
        admin.send(
            "POST",
            "/api/v1/policy/health-monitor",
            json()
                .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                    "meta", json().put("name", "rest-monitor"))
                .set("tcp", json()));
    assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
    long revision = created.body().path("meta").path("revision").asLong();
    try (ConsoleClient.Events events =
        admin.events("/api/v1/policy/changes", String.valueOf(revision - 1))) {
      assertThat(events.next().data()).contains("rest-monitor");
      ConsoleClient.Answer replaced =
          admin.send(
              "PUT",
              "/api/v1/policy/health-monitor/rest-monitor",
              created.body(),
              admin.csrf(),
              created.header("ETag"));
      assertThat(replaced.status()).as(String.valueOf(replaced.body())).isEqualTo(200);
      ConsoleClient.Answer stale =
          admin.send(
              "PUT",
              "/api/v1/policy/health-monitor/rest-monitor",
              created.body(),
              admin.csrf(),
              created.header("ETag"));
      assertThat(stale.status()).isEqualTo(412);
      assertThat(events.next().name()).isEqualTo("updated");
    }
    assertThat(admin.send("DELETE", "/api/v1/policy/health-monitor/rest-monitor", null).status())
        .isEqualTo(204);
  }

  @Test
  @Order(7)
  void everyOperationOfTheApiDocumentIsCalledByATest() throws Exception {
    JsonNode paths = new YAMLMapper().readTree(admin.getText("/api/openapi.yaml")).path("paths");
    List<String> operations = new ArrayList<>();
    paths
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method ->
                            operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
    assertThat(operations).hasSizeGreaterThan(30);
    TreeSet<String> called = new TreeSet<>();
    for (String call : ConsoleClient.calls()) {
      String best = null;
      int bestLiterals = -1;
      for (String operation : operations) {
        if (pattern(operation).matcher(call).matches() && literals(operation) > bestLiterals) {
          best = operation;
          bestLiterals = literals(operation);
        }
      }
      if (best != null) {
        called.add(best);
      }
    }
    assertThat(operations).as("operations no test called").isSubsetOf(called);
  }

  private void scaleTo(ConsoleClient client, int instances) {
    ConsoleClient.Answer scaled =
        client.send(
            "POST",
            "/api/v1/apps/webappew1/scale",
            json().put("instances", instances).put("reason", "the REST walkthrough"));
    assertThat(scaled.status()).as(String.valueOf(scaled.body())).isEqualTo(200);
    assertThat(scaled.body().path("deployment_id").asText()).isNotEmpty();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              JsonNode app = ok(client.get("/api/v1/apps/webappew1"));
              return app.path("tasks").size() == instances && app.path("deployment_ids").isEmpty();
            });
  }

  /** An operation ("GET /api/v1/apps/{app_id}") as a pattern of the calls it serves. */
  private static Pattern pattern(String operation) {
    StringBuilder regex = new StringBuilder();
    for (String part : operation.split("(?=\\{)|(?<=\\})")) {
      regex.append(part.startsWith("{") ? ".+" : Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }

  private static int literals(String operation) {
    return operation.replaceAll("\\{[^}]*\\}", "").length();
  }

  private static JsonNode ok(ConsoleClient.Answer answer) {
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
    return answer.body();
  }
}
