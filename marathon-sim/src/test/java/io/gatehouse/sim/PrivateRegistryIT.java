package io.gatehouse.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An image from a private registry runs only when its app pulls with the registry's credentials: a
 * Docker config in the secret store, named by the Mesos containerizer's {@code pullConfig}.
 * Marathon refuses a pullConfig on the Docker containerizer and one naming no secret of the app.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateRegistryIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String REGISTRY = "registry.example:5000";
  private static final String CREDENTIALS = "puller:pull-pass";
  private static final String APP =
      """
      {"id": "%s", "instances": 1, "cmd": "sleep 600", "portDefinitions": [], "backoffSeconds": 1,
       "container": {"type": "%s", "docker": {"image": "registry.example:5000/team/web:1"%s}},
       "secrets": {"registry": {"source": "team/registry"}}}
      """;

  private Simulator sim;
  private SimClient client;
  private SimClient store;

  @BeforeAll
  void start() throws Exception {
    sim =
        Simulator.start(
            SimulatorConfig.forTests(true, Files.createTempDirectory("sim-registry"))
                .withPrivateRegistry(REGISTRY, CREDENTIALS));
    client = new SimClient(sim.marathonUrl());
    store = new SimClient(sim.mesosUrl(), "token=" + SimulatorConfig.TEST_SECRETS_TOKEN);
  }

  @AfterAll
  void stop() {
    sim.close();
  }

  @Test
  void aPullConfigIsForTheMesosContainerizerAndNamesOneOfTheAppsSecrets() {
    String pull = ", \"pullConfig\": {\"secret\": \"registry\"}";
    SimClient.Reply docker = client.post("/v2/apps", APP.formatted("/docker", "DOCKER", pull));
    assertThat(docker.status()).isEqualTo(422);
    assertThat(docker.body()).contains("/container/docker/pullConfig", "Mesos containerizer");
    SimClient.Reply undefined =
        client.post(
            "/v2/apps",
            APP.formatted("/undefined", "MESOS", ", \"pullConfig\": {\"secret\": \"other\"}"));
    assertThat(undefined.status()).isEqualTo(422);
    assertThat(undefined.body()).contains("references an undefined secret");
  }

  @Test
  void theImageRunsOnlyWithTheRegistrysCredentials() {
    String pull = ", \"pullConfig\": {\"secret\": \"registry\"}";
    writeConfig("puller:wrong-pass");
    client.post("/v2/apps", APP.formatted("/private/wrong", "MESOS", pull));
    client.post("/v2/apps", APP.formatted("/private/none", "MESOS", ""));
    for (String app : new String[] {"/private/wrong", "/private/none"}) {
      await()
          .atMost(WAIT)
          .until(
              () ->
                  client
                      .get("/v2/apps" + app + "?embed=app.lastTaskFailure")
                      .json()
                      .path("app")
                      .has("lastTaskFailure"));
      JsonNode failed =
          client.get("/v2/apps" + app + "?embed=app.lastTaskFailure").json().path("app");
      assertThat(failed.path("lastTaskFailure").path("message").asText())
          .contains("Failed to pull image", "401 Unauthorized");
      assertThat(failed.path("tasksRunning").asInt()).isZero();
    }

    writeConfig(CREDENTIALS);
    client.post("/v2/apps", APP.formatted("/private/right", "MESOS", pull));
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.get("/v2/apps/private/right").json().path("app").path("tasksRunning").asInt()
                    == 1);
  }

  private void writeConfig(String credentials) {
    String auth = Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    String config = "{\"auths\": {\"" + REGISTRY + "\": {\"auth\": \"" + auth + "\"}}}";
    String body =
        "{\"value\": " + com.fasterxml.jackson.databind.node.TextNode.valueOf(config) + "}";
    String path = "/secrets/v1/secret/default/team/registry";
    if (store.put(path, body).status() == 409) {
      assertThat(store.send("PATCH", path, body).status()).isEqualTo(204);
    }
  }
}
