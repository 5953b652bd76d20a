package io.gatehouse.console;

import static io.gatehouse.testsupport.ConsoleClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testsupport.ConsoleClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The routes that are one gRPC call each, as far as the console decides alone (the calls themselves
 * are exercised against the whole platform by the launcher's ConsoleRestIT): the query is read as
 * the request's fields, a parameter or value that does not fit is a 400 naming it before any call
 * is made, a service that cannot be reached is a 503 naming it, and the API document describes each
 * route by its call's messages.
 */
@MicronautTest
class ServiceRoutesIT extends RunningConsole {
  private ConsoleClient admin;

  @BeforeAll
  void setUp() {
    admin = setUpAdmin();
  }

  @Test
  void aQueryThatDoesNotFitTheRequestIsRefusedNamingTheParameter() {
    assertFieldViolation(admin.get("/api/v1/apps?colour=red"), "colour", "no field colour");
    assertFieldViolation(admin.get("/api/v1/apps?page_size=many"), "page_size", "");
    assertFieldViolation(
        admin.get("/api/v1/apps?page_size=1&page_size=2"), "page_size", "more than once");
    assertFieldViolation(
        admin.get("/api/v1/metrics?target=web"), "target", "set its fields (target.<field>)");
    assertFieldViolation(
        admin.get("/api/v1/metrics?target.virtual_service=web&range.start_time=yesterday"),
        "range.start_time",
        "");
    assertFieldViolation(
        admin.get("/api/v1/metrics?metrics=METRIC_REQUESTS&metrics=METRIC_NONSENSE"),
        "metrics",
        "");
    ConsoleClient.Answer notAnObject = admin.sendRaw("POST", "/api/v1/apps/web/scale", "[1, 2]");
    assertFieldViolation(notAnObject, "body", "not a JSON object");
  }

  @Test
  void aServiceThatCannotBeReachedIsNamed() throws Exception {
    ConsoleClient.Answer apps =
        admin.get("/api/v1/apps?with_label_errors_only=true&id_prefix=/shop");
    assertThat(apps.status()).isEqualTo(503);
    assertThat(apps.body().path("message").asText())
        .isEqualTo("discovery-svc cannot be reached: retry");
    ConsoleClient.Answer metrics =
        admin.get(
            "/api/v1/metrics?target.virtual_service=web&metrics=METRIC_REQUESTS"
                + "&metrics=METRIC_ERRORS_5XX&range.start_time=2026-12-01T00:00:00Z&step=60s");
    assertThat(metrics.status()).isEqualTo(503);
    assertThat(metrics.body().path("message").asText()).startsWith("analytics-svc");
    // an event stream has answered 200 before the service: its failure is its last event
    try (ConsoleClient.Events follow =
        admin.events("/api/v1/logs/follow?filter.virtual_service=web&backlog=5", null)) {
      ConsoleClient.Event failed = follow.next();
      assertThat(failed.name()).isEqualTo("error");
      assertThat(failed.data()).contains("\"code\":503", "analytics-svc cannot be reached: retry");
    }
    assertThatThrownBy(() -> admin.events("/api/v1/logs/follow?filter.colour=red", null))
        .hasMessageContaining("answered 400")
        .hasMessageContaining("filter.colour");
  }

  @Test
  void withoutASessionOrTokenNothingIsAnswered() {
    assertThat(client().get("/api/v1/engines").status()).isEqualTo(401);
    assertThat(client().send("POST", "/api/v1/apps/web/scale", json().put("instances", 2)).status())
        .isEqualTo(401);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theApiDocumentDescribesEachCallByItsMessages() {
    Map<String, Object> document = new Yaml().load(client().getText("/api/openapi.yaml"));
    assertThat(document.get("openapi")).isEqualTo("3.0.3");
    Map<String, Map<String, Object>> paths =
        (Map<String, Map<String, Object>>) document.get("paths");
    assertThat(paths)
        .containsKeys(
            "/api/v1/apps/{app_id}",
            "/api/v1/apps/{app_id}/scale",
            "/api/v1/engines/{id}/redeploy",
            "/api/v1/ssh-keys/{name}",
            "/api/v1/policy/{kind}/{name}",
            "/api/v1/setup",
            "/api/openapi.yaml");
    Map<String, Object> metrics = (Map<String, Object>) paths.get("/api/v1/metrics").get("get");
    assertThat(metrics.get("summary")).isEqualTo("calls AnalyticsQuery.GetMetrics");
    assertThat(((List<Map<String, Object>>) metrics.get("parameters")))
        .extracting(p -> p.get("name"))
        .contains("target.virtual_service", "range.start_time", "step", "metrics");
    Map<String, Object> app = (Map<String, Object>) paths.get("/api/v1/apps/{app_id}").get("get");
    assertThat(((List<Map<String, Object>>) app.get("parameters")))
        .extracting(p -> p.get("name"))
        .containsExactlyInAnyOrder("app_id", "marathon_framework");
    Map<String, Object> schemas =
        (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("schemas");
    Map<String, Object> appSchema = (Map<String, Object>) schemas.get("gatehouse.discovery.v1.App");
    assertThat((Map<String, Object>) appSchema.get("properties")).containsKey("label_errors");
    Map<String, Object> setup = (Map<String, Object>) paths.get("/api/v1/setup").get("post");
    assertThat(setup.get("responses").toString()).contains("201");
    assertThat(setup.get("requestBody").toString()).contains("gatehouse.console.Setup");
    assertThat(schemas.get("gatehouse.console.Setup").toString()).contains("setup_code");
  }

  private static void assertFieldViolation(
      ConsoleClient.Answer answer, String field, String description) {
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(400);
    assertThat(answer.body().path("field_violations").toString())
        .contains("\"field\":\"" + field + "\"")
        .contains(description);
  }
}
