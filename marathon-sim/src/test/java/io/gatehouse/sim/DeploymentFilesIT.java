package io.gatehouse.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.gatehouse.testsupport.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Marathon deployment of Gatehouse itself ({@code deploy/marathon/gatehouse.json}): every app
 * of the group is a valid Marathon app definition by Marathon's published schema, and each service
 * runs as three replicas on three distinct nodes (the console as two).
 */
class DeploymentFilesIT {
  @Test
  void everyAppOfTheGatehouseGroupValidatesAgainstMarathonsSchema() throws Exception {
    ObjectNode schemaJson =
        (ObjectNode)
            SimClient.JSON.readTree(
                Files.readString(
                    SharedFixtures.require("marathon/schema/AppDefinition-1.7.216.schema.json")));
    schemaJson.remove("$schema"); // "http://json-schema.org/schema#": draft 4 in practice
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schemaJson);
    JsonNode group =
        SimClient.JSON.readTree(
            Files.readString(Path.of("..", "deploy", "marathon", "gatehouse.json")));

    assertThat(group.get("apps")).hasSize(5);
    for (JsonNode app : group.get("apps")) {
      assertThat(schema.validate(app)).as(app.get("id").asText()).isEmpty();
      assertThat(app.get("id").asText()).startsWith(group.get("id").asText() + "/");
      assertThat(app.get("healthChecks")).isNotEmpty();
      // replicas on distinct nodes: a node's loss takes one of each at most
      assertThat(app.get("constraints").toString()).contains("[\"hostname\",\"UNIQUE\"]");
      if (app.get("id").asText().endsWith("-svc")) {
        assertThat(app.get("instances").asInt()).as(app.get("id").asText()).isEqualTo(3);
      }
    }
  }
}
