package io.gatehouse.console;

import static io.gatehouse.testsupport.ConsoleClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.testsupport.ConsoleClient;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The policy objects through the REST API, against a real policy-svc: every kind of its contract
 * served; create, read, list by page and prefix, replace only on the revision read (412 when stale,
 * 428 without one), delete; policy-svc's field violations passed on; fields the message does not
 * have refused; a read-only account reads only.
 */
@MicronautTest
class PolicyApiIT extends RunningConsole {
  private static final ObjectMapper JSON = new ObjectMapper();
  private PolicyServiceProcess policy;
  private ConsoleClient admin;

  @Override
  protected String policyTarget() {
    policy = PolicyServiceProcess.start();
    return policy.target();
  }

  @BeforeAll
  void setUp() {
    admin = setUpAdmin();
  }

  @AfterAll
  void stopPolicy() {
    if (policy != null) {
      policy.close();
    }
  }

  @Test
  void everyKindOfTheContractIsServed() {
    assertThat(admin.get("/api/v1/policy").body().path("kinds").toString())
        .contains(
            "\"virtual-service\"",
            "\"pool\"",
            "\"health-monitor\"",
            "\"network-security-policy\"",
            "\"ssl-key-and-certificate\"",
            "\"autoscale-policy\"",
            "\"service-engine-group\"",
            "\"http-policy-set\"");
    assertThat(admin.get("/api/v1/policy/no-such-kind").status()).isEqualTo(404);
  }

  @Test
  void aPoolIsCreatedReadListedReplacedOnItsRevisionAndDeleted() throws Exception {
    ConsoleClient.Answer created = admin.send("POST", "/api/v1/policy/pool", pool("web", 8080));
    assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
    String etag = created.header("ETag");
    assertThat(etag).isEqualTo("\"" + created.body().path("meta").path("revision").asText() + "\"");
    admin.send("POST", "/api/v1/policy/pool", pool("web-2", 8081));
    admin.send("POST", "/api/v1/policy/pool", pool("other", 8082));

    ConsoleClient.Answer read = admin.get("/api/v1/policy/pool/web");
    assertThat(read.header("ETag")).isEqualTo(etag);
    assertThat(read.body().path("static_servers").path("servers").get(0).path("port").asInt())
        .isEqualTo(8080);
    ConsoleClient.Answer page = admin.get("/api/v1/policy/pool?name_prefix=web&page_size=1");
    assertThat(page.body().path("pools").findValuesAsText("name")).containsExactly("web");
    String next = page.body().path("next_page_token").asText();
    assertThat(next).isNotEmpty();
    assertThat(
            admin
                .get("/api/v1/policy/pool?name_prefix=web&page_size=1&page_token=" + next)
                .body()
                .path("pools")
                .findValuesAsText("name"))
        .containsExactly("web-2");

    ObjectNode changed = pool("web", 9090);
    assertThat(admin.send("PUT", "/api/v1/policy/pool/web", changed).status()).isEqualTo(428);
    ConsoleClient.Answer replaced =
        admin.send("PUT", "/api/v1/policy/pool/web", changed, admin.csrf(), etag);
    assertThat(replaced.status()).as(String.valueOf(replaced.body())).isEqualTo(200);
    assertThat(replaced.header("ETag")).isNotEqualTo(etag);
    ConsoleClient.Answer stale =
        admin.send("PUT", "/api/v1/policy/pool/web", pool("web", 7070), admin.csrf(), etag);
    assertThat(stale.status()).isEqualTo(412);
    assertThat(
            admin
                .get("/api/v1/policy/pool/web")
                .body()
                .path("static_servers")
                .path("servers")
                .get(0)
                .path("port")
                .asInt())
        .isEqualTo(9090); // the stale write changed nothing

    assertThat(admin.send("DELETE", "/api/v1/policy/pool/web", null, admin.csrf(), etag).status())
        .isEqualTo(412);
    assertThat(admin.send("DELETE", "/api/v1/policy/pool/web", null).status()).isEqualTo(204);
    assertThat(admin.get("/api/v1/policy/pool/web").status()).isEqualTo(404);
  }

  @Test
  void changesStreamAsServerSentEventsResumingAfterTheLastEventId() throws Exception {
    ConsoleClient.Answer created =
        admin.send("POST", "/api/v1/policy/pool", pool("streamed", 8090));
    long revision = created.body().path("meta").path("revision").asLong();
    try (ConsoleClient.Events events =
        admin.events("/api/v1/policy/changes", String.valueOf(revision - 1))) {
      ConsoleClient.Event first = events.next(); // the stream resumes after the id given
      assertThat(first).isNotNull();
      assertThat(first.id()).isEqualTo(String.valueOf(revision));
      assertThat(first.name()).isEqualTo("created");
      assertThat(first.data()).contains("\"streamed\"");

      assertThat(admin.send("DELETE", "/api/v1/policy/pool/streamed", null).status())
          .isEqualTo(204);
      ConsoleClient.Event deleted = events.next(); // and goes on with what happens after
      assertThat(deleted).isNotNull();
      assertThat(deleted.name()).isEqualTo("deleted");
      assertThat(Long.parseLong(deleted.id())).isGreaterThan(revision);
      assertThat(deleted.data()).contains("\"streamed\"");
    }
    ConsoleClient stranger = client();
    assertThat(stranger.get("/api/v1/policy/changes").status()).isEqualTo(401);
    assertThatThrownBy(() -> admin.events("/api/v1/policy/changes", "12; DROP TABLE"))
        .hasMessageContaining("400")
        .hasMessageContaining("Last-Event-ID");
    assertThatThrownBy(() -> admin.events("/api/v1/policy/changes?from_revision=-1", null))
        .hasMessageContaining("400")
        .hasMessageContaining("from_revision");
  }

  @Test
  void aNameWithASlashIsOnePathSegmentOrMore() {
    // names from Marathon apps carry their groups and ports: "shop/web/10001"
    assertThat(admin.send("POST", "/api/v1/policy/pool", pool("shop/web", 8091)).status())
        .isEqualTo(201);
    assertThat(admin.get("/api/v1/policy/pool/shop/web").body().path("meta").path("name").asText())
        .isEqualTo("shop/web");
    assertThat(admin.get("/api/v1/policy/pool/shop%2Fweb").status()).isIn(200, 404);
    assertThat(admin.send("DELETE", "/api/v1/policy/pool/shop/web", null).status()).isEqualTo(204);
  }

  @Test
  void badObjectsAreRefusedNamingTheFieldAndNothingIsWritten() throws Exception {
    ConsoleClient.Answer badPort = admin.send("POST", "/api/v1/policy/pool", pool("bad", 70000));
    assertThat(badPort.status()).isEqualTo(400);
    assertThat(badPort.body().path("field_violations").findValuesAsText("field"))
        .anyMatch(f -> f.contains("port"));

    ObjectNode unknownField = pool("typo", 8080);
    unknownField.put("lb_algorythm", "LB_ALGORITHM_ROUND_ROBIN");
    ConsoleClient.Answer typo = admin.send("POST", "/api/v1/policy/pool", unknownField);
    assertThat(typo.status()).isEqualTo(400);
    assertThat(typo.body().path("field_violations").get(0).path("description").asText())
        .contains("lb_algorythm");
    assertThat(admin.get("/api/v1/policy/pool/bad").status()).isEqualTo(404);
    assertThat(admin.get("/api/v1/policy/pool/typo").status()).isEqualTo(404);
  }

  @Test
  void aReadOnlyAccountReadsButCannotWrite() {
    admin.send(
        "POST",
        "/api/v1/accounts",
        json().put("name", "viewer").put("role", "read-only").put("password", PASSWORD));
    admin.send("POST", "/api/v1/policy/pool", pool("seen", 8083));
    ConsoleClient viewer = client();
    viewer.login("viewer", PASSWORD);
    assertThat(viewer.get("/api/v1/policy/pool/seen").status()).isEqualTo(200);
    assertThat(viewer.send("POST", "/api/v1/policy/pool", pool("unseen", 8084)).status())
        .isEqualTo(403);
    assertThat(viewer.send("DELETE", "/api/v1/policy/pool/seen", null).status()).isEqualTo(403);
    assertThat(admin.get("/api/v1/policy/pool/seen").status()).isEqualTo(200);
  }

  private static ObjectNode pool(String name, int port) {
    try {
      return (ObjectNode)
          JSON.readTree(
              """
              {"meta": {"name": "%s"},
               "static_servers": {"servers": [{"ip_address": "10.0.0.5", "port": %d}]}}
              """
                  .formatted(name, port));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
