package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.http.HttpError;

/**
 * An app definition's networking in the form Marathon 1.5+ stores: {@code networks}, {@code
 * container.portMappings} and {@code portDefinitions}, from 0.x app-level {@code ports}, 1.4's
 * {@code container.docker.network} with its port mappings and {@code ipAddress}, or 1.5+ itself.
 */
final class AppNetworking {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AppNetworking() {}

  /**
   * Sets {@code app}'s {@code networks}, {@code container} port mappings and {@code
   * portDefinitions} from whichever dialect {@code in} speaks.
   */
  static void normalize(ObjectNode in, ObjectNode app) {
    JsonNode container = in.get("container");
    JsonNode docker = container == null ? null : container.get("docker");
    ArrayNode networks = NODES.arrayNode();
    ArrayNode mappings = null;

    if (in.has("networks") && in.get("networks").isArray() && in.get("networks").size() > 0) {
      for (JsonNode n : in.get("networks")) {
        String mode = n.path("mode").asText("container");
        if (!mode.equals("host") && !mode.equals("container/bridge") && !mode.equals("container")) {
          throw HttpError.invalid("/networks", "unknown network mode " + mode);
        }
        ObjectNode network = NODES.objectNode().put("mode", mode);
        if (mode.equals("container")) {
          network.put("name", n.path("name").asText("dcos"));
        }
        networks.add(network);
      }
      if (container != null
          && container.has("portMappings")
          && container.get("portMappings").isArray()) {
        mappings = (ArrayNode) container.get("portMappings");
      } else if (docker != null
          && docker.has("portMappings")
          && docker.get("portMappings").isArray()) {
        mappings = (ArrayNode) docker.get("portMappings");
      }
    } else if (docker != null && docker.hasNonNull("network")) {
      String network = docker.get("network").asText();
      switch (network) {
        case "BRIDGE" -> networks.add(NODES.objectNode().put("mode", "container/bridge"));
        case "USER" ->
            networks.add(
                NODES
                    .objectNode()
                    .put("mode", "container")
                    .put("name", in.path("ipAddress").path("networkName").asText("dcos")));
        case "HOST" -> networks.add(NODES.objectNode().put("mode", "host"));
        default ->
            throw HttpError.invalid("/container/docker/network", "unknown network " + network);
      }
      if (docker.has("portMappings") && docker.get("portMappings").isArray()) {
        mappings = (ArrayNode) docker.get("portMappings");
      } else if (container.has("portMappings") && container.get("portMappings").isArray()) {
        mappings = (ArrayNode) container.get("portMappings");
      }
    } else if (in.hasNonNull("ipAddress")) {
      networks.add(
          NODES
              .objectNode()
              .put("mode", "container")
              .put("name", in.path("ipAddress").path("networkName").asText("dcos")));
      if (container != null && container.has("portMappings")) {
        mappings = (ArrayNode) container.get("portMappings");
      }
    } else {
      networks.add(NODES.objectNode().put("mode", "host"));
    }
    app.set("networks", networks);
    String mode = networks.get(0).get("mode").asText();

    ObjectNode outContainer = null;
    if (container != null && container.isObject()) {
      outContainer = NODES.objectNode();
      outContainer.put("type", container.path("type").asText(docker != null ? "DOCKER" : "MESOS"));
      if (docker != null && docker.isObject()) {
        ObjectNode outDocker = NODES.objectNode();
        outDocker.put("image", docker.path("image").asText(""));
        outDocker.put("forcePullImage", docker.path("forcePullImage").asBoolean(false));
        outDocker.set(
            "parameters",
            docker.has("parameters") && docker.get("parameters").isArray()
                ? docker.get("parameters")
                : NODES.arrayNode());
        outDocker.put("privileged", docker.path("privileged").asBoolean(false));
        if (docker.has("pullConfig")) {
          if (!docker.path("pullConfig").path("secret").isTextual()) {
            throw HttpError.invalid("/container/docker/pullConfig/secret", "error.path.missing");
          }
          if (!outContainer.get("type").asText().equals("MESOS")) {
            throw HttpError.invalid(
                "/container/docker/pullConfig",
                "pullConfig is supported only with Mesos containerizer");
          }
          outDocker.set("pullConfig", docker.get("pullConfig"));
        }
        outContainer.set("docker", outDocker);
      }
      outContainer.set(
          "volumes",
          container.has("volumes") && container.get("volumes").isArray()
              ? container.get("volumes")
              : NODES.arrayNode());
    }

    if (mode.equals("host")) {
      app.set("portDefinitions", portDefinitions(in));
      if (outContainer != null) {
        app.set("container", outContainer);
      }
      return;
    }
    if (outContainer == null) {
      outContainer = NODES.objectNode().put("type", "MESOS");
      outContainer.set("volumes", NODES.arrayNode());
    }
    ArrayNode outMappings = NODES.arrayNode();
    if (mappings != null) {
      for (int i = 0; i < mappings.size(); i++) {
        JsonNode m = mappings.get(i);
        ObjectNode out = NODES.objectNode();
        out.put(
            "containerPort",
            port(m, "containerPort", 0, "/container/portMappings(" + i + ")/containerPort"));
        if (mode.equals("container/bridge") || m.hasNonNull("hostPort")) {
          out.put(
              "hostPort", port(m, "hostPort", 0, "/container/portMappings(" + i + ")/hostPort"));
        }
        out.set(
            "labels",
            m.has("labels") && m.get("labels").isObject() ? m.get("labels") : NODES.objectNode());
        if (m.hasNonNull("name")) {
          out.put("name", m.get("name").asText());
        }
        out.put("protocol", protocol(m, "/container/portMappings(" + i + ")/protocol"));
        out.put(
            "servicePort",
            port(m, "servicePort", 0, "/container/portMappings(" + i + ")/servicePort"));
        outMappings.add(out);
      }
    }
    outContainer.set("portMappings", outMappings);
    app.set("container", outContainer);
  }

  private static ArrayNode portDefinitions(ObjectNode in) {
    ArrayNode out = NODES.arrayNode();
    if (in.has("portDefinitions") && in.get("portDefinitions").isArray()) {
      int i = 0;
      for (JsonNode d : in.get("portDefinitions")) {
        ObjectNode def = NODES.objectNode();
        def.put("port", port(d, "port", 0, "/portDefinitions(" + i + ")/port"));
        def.put("protocol", protocol(d, "/portDefinitions(" + i + ")/protocol"));
        if (d.hasNonNull("name")) {
          def.put("name", d.get("name").asText());
        }
        def.set(
            "labels",
            d.has("labels") && d.get("labels").isObject() ? d.get("labels") : NODES.objectNode());
        out.add(def);
        i++;
      }
      return out;
    }
    if (in.has("ports") && in.get("ports").isArray()) {
      for (JsonNode p : in.get("ports")) {
        ObjectNode def = NODES.objectNode();
        def.put("port", p.asInt());
        def.put("protocol", "tcp");
        def.set("labels", NODES.objectNode());
        out.add(def);
      }
      return out;
    }
    ObjectNode def = NODES.objectNode(); // Marathon's default: one port, assigned
    def.put("port", 0);
    def.put("protocol", "tcp");
    def.set("labels", NODES.objectNode());
    out.add(def);
    return out;
  }

  private static String protocol(JsonNode node, String path) {
    String protocol = node.path("protocol").asText("tcp");
    if (!protocol.equals("tcp") && !protocol.equals("udp") && !protocol.equals("udp,tcp")) {
      throw HttpError.invalid(path, "error.expected.validenumvalue");
    }
    return protocol;
  }

  private static int port(JsonNode node, String field, int fallback, String path) {
    int value = AppDefinitions.integer(node, field, fallback, path);
    if (value < 0 || value > 65535) {
      throw HttpError.invalid(path, "is not between 0 and 65535");
    }
    return value;
  }
}
