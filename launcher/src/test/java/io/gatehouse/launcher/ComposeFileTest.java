package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code compose/docker-compose.yml} can run the control plane as replicas ({@code docker-compose
 * up --scale policy-svc=3 ...}): no replicated service claims a fixed host port (the second replica
 * could not start), none has a fixed container name, and discovery-svc's replicas elect their
 * policy writer in the shared database. CI checks the file's syntax with {@code docker-compose
 * config}.
 */
class ComposeFileTest {
  private static final List<String> REPLICATED =
      List.of("policy-svc", "discovery-svc", "se-manager-svc", "analytics-svc", "console");

  private final JsonNode services;

  ComposeFileTest() throws Exception {
    services =
        new ObjectMapper(new YAMLFactory())
            .readTree(Path.of("..", "compose", "docker-compose.yml").toFile())
            .path("services");
  }

  @Test
  void aReplicatedServiceHasNoFixedHostPortAndNoContainerName() {
    for (String name : REPLICATED) {
      JsonNode service = services.path(name);
      assertThat(service.isObject()).as(name).isTrue();
      assertThat(service.has("container_name")).as(name).isFalse();
      for (JsonNode port : service.path("ports")) {
        // "9443-9444:9443": a host port range, one port per replica
        assertThat(port.asText()).as(name).matches("([0-9]+)-([0-9]+):[0-9]+");
        String[] range = port.asText().split(":")[0].split("-");
        assertThat(Integer.parseInt(range[1])).as(name).isGreaterThan(Integer.parseInt(range[0]));
      }
    }
  }

  @Test
  void discoveryReplicasElectTheirWriterInTheSharedDatabase() {
    JsonNode environment = services.path("discovery-svc").path("environment");
    assertThat(environment.path("GATEHOUSE_DISCOVERY_LEADER_JDBC_URL").asText())
        .isEqualTo(
            services
                .path("se-manager-svc")
                .path("environment")
                .path("DATASOURCES_DEFAULT_URL")
                .asText());
    assertThat(environment.path("GATEHOUSE_DISCOVERY_LEADER_PASSWORD").asText()).isNotBlank();
  }
}
