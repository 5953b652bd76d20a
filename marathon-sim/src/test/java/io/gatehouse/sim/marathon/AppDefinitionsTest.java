package io.gatehouse.sim.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.http.HttpError;
import org.junit.jupiter.api.Test;

class AppDefinitionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void a14BridgeBodyIsStoredInThe15Dialect() throws Exception {
    ObjectNode app =
        normalize(
            """
            {"id": "web", "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE",
              "portMappings": [{"containerPort": 80, "hostPort": 0, "servicePort": 10005}]}}}
            """);

    assertThat(app.get("id").asText()).isEqualTo("/web");
    assertThat(app.get("networks").get(0).get("mode").asText()).isEqualTo("container/bridge");
    JsonNode mapping = app.get("container").get("portMappings").get(0);
    assertThat(mapping.get("containerPort").asInt()).isEqualTo(80);
    assertThat(mapping.get("servicePort").asInt()).isEqualTo(10005);
    assertThat(mapping.get("protocol").asText()).isEqualTo("tcp");
    assertThat(app.get("container").get("docker").has("network")).isFalse();
    assertThat(app.get("container").get("docker").has("portMappings")).isFalse();
  }

  @Test
  void anEnvironmentValueMayOnlyReferToASecretTheAppDefines() throws Exception {
    ObjectNode app =
        normalize(
            """
            {"id": "/db", "cmd": "serve", "env": {"PW": {"secret": "pw"}},
             "secrets": {"pw": {"source": "db/password"}}}
            """);
    assertThat(app.get("env").get("PW").get("secret").asText()).isEqualTo("pw");

    HttpError undefined =
        catchThrowableOfType(
            HttpError.class,
            () ->
                normalize(
                    "{\"id\": \"/db\", \"cmd\": \"serve\", \"env\": {\"PW\": {\"secret\": \"pw\"}}}"));
    assertThat(undefined.status()).isEqualTo(422);
    assertThat(undefined.body().toString()).contains("/env/PW").contains("undefined secret");

    HttpError notAString =
        catchThrowableOfType(
            HttpError.class,
            () -> normalize("{\"id\": \"/db\", \"cmd\": \"serve\", \"env\": {\"N\": 5}}"));
    assertThat(notAString.body().toString()).contains("/env/N");
  }

  @Test
  void a14IpPerTaskBodyBecomesAContainerNetworkWithoutHostPorts() throws Exception {
    ObjectNode app =
        normalize(
            """
            {"id": "/db", "ipAddress": {"networkName": "dcos"},
             "container": {"type": "MESOS", "portMappings": [{"containerPort": 5432}]}}
            """);

    assertThat(app.get("networks").get(0).get("mode").asText()).isEqualTo("container");
    assertThat(app.get("networks").get(0).get("name").asText()).isEqualTo("dcos");
    assertThat(app.get("container").get("portMappings").get(0).has("hostPort")).isFalse();
    assertThat(app.has("ipAddress")).isFalse();
  }

  @Test
  void appLevelPortsOfMarathon09BecomePortDefinitionsAndHostModeDefaultsToOnePort()
      throws Exception {
    ObjectNode old = normalize("{\"id\": \"old\", \"cmd\": \"serve\", \"ports\": [0, 9000]}");
    ObjectNode plain = normalize("{\"id\": \"plain\", \"cmd\": \"serve\"}");

    assertThat(old.get("networks").get(0).get("mode").asText()).isEqualTo("host");
    assertThat(old.get("portDefinitions")).hasSize(2);
    assertThat(old.get("portDefinitions").get(1).get("port").asInt()).isEqualTo(9000);
    assertThat(plain.get("portDefinitions")).hasSize(1);
    assertThat(plain.get("portDefinitions").get(0).get("port").asInt()).isZero();
  }

  @Test
  void numbersSentAsStringsAreAcceptedAsThe09DocsShow() throws Exception {
    ObjectNode app =
        normalize("{\"id\": \"s\", \"cmd\": \"x\", \"instances\": \"2\", \"cpus\": \"0.5\"}");

    assertThat(app.get("instances").asInt()).isEqualTo(2);
    assertThat(app.get("cpus").asDouble()).isEqualTo(0.5);
  }

  @Test
  void invalidDefinitionsFailWithMarathonsPathsAndStatuses() {
    HttpError badId =
        catchThrowableOfType(HttpError.class, () -> normalize("{\"id\": \"Shop_Web\"}"));
    assertThat(badId.status()).isEqualTo(422);
    assertThat(badId.body().get("details").get(0).get("path").asText()).isEqualTo("/id");

    HttpError capacity =
        catchThrowableOfType(
            HttpError.class,
            () ->
                normalize(
                    "{\"id\": \"x\", \"upgradeStrategy\": {\"minimumHealthCapacity\": 1.5}}"));
    assertThat(capacity.status()).isEqualTo(422);
    assertThat(capacity.body().get("details").get(0).get("path").asText())
        .isEqualTo("/upgradeStrategy/minimumHealthCapacity");
    assertThat(capacity.body().get("details").get(0).get("errors").get(0).asText())
        .isEqualTo("is greater than 1");

    HttpError label =
        catchThrowableOfType(
            HttpError.class, () -> normalize("{\"id\": \"x\", \"labels\": {\"a\": 1}}"));
    assertThat(label.status()).isEqualTo(400);
    assertThat(label.body().get("message").asText()).isEqualTo("Invalid JSON");

    HttpError missing = catchThrowableOfType(HttpError.class, () -> normalize("{\"cmd\": \"x\"}"));
    assertThat(missing.status()).isEqualTo(400);
  }

  @Test
  void aPatchReplacesTopLevelFieldsAndKeepsTheRest() throws Exception {
    ObjectNode stored =
        normalize(
            "{\"id\": \"p\", \"cmd\": \"serve\", \"instances\": 1, \"labels\": {\"a\": \"b\"}}");

    ObjectNode patched = AppDefinitions.patch(stored, JSON.readTree("{\"instances\": 4}"));

    assertThat(patched.get("instances").asInt()).isEqualTo(4);
    assertThat(patched.get("labels").get("a").asText()).isEqualTo("b");
    assertThat(patched.get("cmd").asText()).isEqualTo("serve");
  }

  private static ObjectNode normalize(String body) throws Exception {
    return AppDefinitions.normalize(JSON.readTree(body), null);
  }
}
