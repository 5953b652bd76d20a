package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.http.HttpError;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a posted app definition into the form Marathon 1.5+ stores and answers with. Accepted input
 * dialects: 0.x app-level {@code ports}, 1.4 {@code container.docker.network} with {@code
 * container.docker.portMappings} and {@code ipAddress}, and 1.5+ {@code networks} with {@code
 * container.portMappings}. Output is always 1.5+ (Marathon migrates stored apps and never emits the
 * old fields again). Numbers sent as strings, as the 0.9 docs show, are accepted.
 */
public final class AppDefinitions {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern ID_SEGMENT =
      Pattern.compile(
          "^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])$");

  /** Fields Marathon keeps and answers with that the simulator stores without interpreting. */
  private static final String[] PASSED_THROUGH = {
    "acceptedResourceRoles", "secrets", "role", "residency", "executorResources"
  };

  private AppDefinitions() {}

  /** The absolute form of an app id: "web" and "/web/" become "/web". */
  public static String canonicalId(String id) {
    String trimmed = id.trim();
    if (!trimmed.startsWith("/")) {
      trimmed = "/" + trimmed;
    }
    while (trimmed.length() > 1 && trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }

  /** Checks an app id as Marathon does (422 on /id). */
  public static void checkId(String id) {
    if (id.equals("/")) {
      throw HttpError.invalid("/id", "error.path.missing");
    }
    for (String segment : id.substring(1).split("/")) {
      if (!ID_SEGMENT.matcher(segment).matches()) {
        throw HttpError.invalid(
            "/id", "must fully match regular expression '" + ID_SEGMENT.pattern() + "'");
      }
    }
    if (id.endsWith("/restart") || id.endsWith("/tasks") || id.endsWith("/versions")) {
      throw HttpError.invalid("/id", "must not end with restart, tasks or versions");
    }
  }

  /**
   * The stored definition for a posted body: 1.5+ networking, every default filled in, the id
   * absolute. Service ports are left as given (0 = to be assigned).
   */
  public static ObjectNode normalize(JsonNode body, String idFromPath) {
    if (!body.isObject()) {
      throw HttpError.invalidJson("/", "error.expected.jsobject");
    }
    ObjectNode in = ((ObjectNode) body).deepCopy();
    String id = idFromPath != null ? idFromPath : text(in, "id");
    if (id == null || id.isBlank()) {
      throw HttpError.invalidJson("/id", "error.path.missing");
    }
    id = canonicalId(id);
    checkId(id);

    ObjectNode app = NODES.objectNode();
    app.put("id", id);
    copyOrNull(in, app, "cmd");
    copyOrNull(in, app, "args");
    copyOrNull(in, app, "user");
    app.set("env", in.has("env") && in.get("env").isObject() ? in.get("env") : NODES.objectNode());
    app.put("instances", integer(in, "instances", 1, "/instances"));
    app.put("cpus", number(in, "cpus", 1.0, "/cpus"));
    app.put("mem", number(in, "mem", 128.0, "/mem"));
    app.put("disk", number(in, "disk", 0.0, "/disk"));
    app.put("gpus", integer(in, "gpus", 0, "/gpus"));
    app.put("executor", in.path("executor").asText(""));
    app.set("constraints", arrayOr(in, "constraints"));
    app.set("uris", arrayOr(in, "uris"));
    app.set("fetch", arrayOr(in, "fetch"));
    app.put("backoffSeconds", integer(in, "backoffSeconds", 1, "/backoffSeconds"));
    app.put("backoffFactor", number(in, "backoffFactor", 1.15, "/backoffFactor"));
    app.put(
        "maxLaunchDelaySeconds",
        integer(in, "maxLaunchDelaySeconds", 3600, "/maxLaunchDelaySeconds"));
    app.set("healthChecks", healthChecks(in));
    app.set("readinessChecks", arrayOr(in, "readinessChecks"));
    app.set("dependencies", arrayOr(in, "dependencies"));
    ObjectNode upgrade = NODES.objectNode();
    upgrade.put(
        "minimumHealthCapacity",
        in.path("upgradeStrategy").path("minimumHealthCapacity").asDouble(1));
    upgrade.put(
        "maximumOverCapacity", in.path("upgradeStrategy").path("maximumOverCapacity").asDouble(1));
    if (upgrade.get("minimumHealthCapacity").asDouble() > 1) {
      throw HttpError.invalid("/upgradeStrategy/minimumHealthCapacity", "is greater than 1");
    }
    app.set("upgradeStrategy", upgrade);
    app.set("labels", labels(in));
    app.put("requirePorts", in.path("requirePorts").asBoolean(false));
    app.put("killSelection", in.path("killSelection").asText("YOUNGEST_FIRST"));
    ObjectNode unreachable = NODES.objectNode();
    unreachable.put(
        "inactiveAfterSeconds",
        in.path("unreachableStrategy").path("inactiveAfterSeconds").asInt(0));
    unreachable.put(
        "expungeAfterSeconds", in.path("unreachableStrategy").path("expungeAfterSeconds").asInt(0));
    app.set("unreachableStrategy", unreachable);
    if (in.hasNonNull("taskKillGracePeriodSeconds")) {
      app.put(
          "taskKillGracePeriodSeconds",
          integer(in, "taskKillGracePeriodSeconds", 0, "/taskKillGracePeriodSeconds"));
    }
    for (String kept : PASSED_THROUGH) {
      if (in.hasNonNull(kept)) {
        app.set(kept, in.get(kept));
      }
    }
    AppNetworking.normalize(in, app);
    checkSecretReferences(app);
    return app;
  }

  /**
   * Environment values are strings or {@code {"secret": name}} naming one of the app's {@code
   * secrets}, each with a {@code source}; so does a docker image's {@code pullConfig}.
   */
  private static void checkSecretReferences(ObjectNode app) {
    JsonNode secrets = app.path("secrets");
    for (Map.Entry<String, JsonNode> secret : secrets.properties()) {
      if (!secret.getValue().path("source").isTextual()) {
        throw HttpError.invalid("/secrets/" + secret.getKey() + "/source", "error.path.missing");
      }
    }
    JsonNode pullConfig = app.path("container").path("docker").path("pullConfig");
    if (pullConfig.isObject() && !secrets.has(pullConfig.get("secret").asText())) {
      throw HttpError.invalid(
          "/container/docker/pullConfig/secret", "references an undefined secret");
    }
    for (Map.Entry<String, JsonNode> e : app.get("env").properties()) {
      JsonNode value = e.getValue();
      if (value.isTextual()) {
        continue;
      }
      if (!value.path("secret").isTextual()) {
        throw HttpError.invalid("/env/" + e.getKey(), "error.expected.jsstring");
      }
      if (!secrets.has(value.get("secret").asText())) {
        throw HttpError.invalid("/env/" + e.getKey(), "references an undefined secret");
      }
    }
  }

  /** Applies a PATCH body (top-level keys replace) to a stored definition, then normalizes. */
  public static ObjectNode patch(ObjectNode stored, JsonNode patch) {
    if (!patch.isObject()) {
      throw HttpError.invalidJson("/", "error.expected.jsobject");
    }
    ObjectNode merged = stored.deepCopy();
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      if (!field.getKey().equals("id")) {
        merged.set(field.getKey(), field.getValue());
      }
    }
    if (patch.has("container") || patch.has("networks") || patch.has("portDefinitions")) {
      if (!patch.has("networks")) {
        merged.remove("networks");
      }
    }
    return normalize(merged, stored.get("id").asText());
  }

  /** The network mode of a stored app: "host", "container/bridge" or "container". */
  public static String networkMode(ObjectNode app) {
    return app.path("networks").path(0).path("mode").asText("host");
  }

  private static ArrayNode healthChecks(ObjectNode in) {
    ArrayNode out = NODES.arrayNode();
    if (!in.has("healthChecks") || !in.get("healthChecks").isArray()) {
      return out;
    }
    int i = 0;
    for (JsonNode h : in.get("healthChecks")) {
      String path = "/healthChecks(" + i + ")";
      String protocol = h.path("protocol").asText("HTTP");
      if (!protocol.matches("HTTP|HTTPS|TCP|COMMAND|MESOS_HTTP|MESOS_HTTPS|MESOS_TCP")) {
        throw HttpError.invalid(path + "/protocol", "error.expected.validenumvalue");
      }
      ObjectNode check = NODES.objectNode();
      check.put(
          "gracePeriodSeconds",
          integer(h, "gracePeriodSeconds", 300, path + "/gracePeriodSeconds"));
      check.put("intervalSeconds", integer(h, "intervalSeconds", 60, path + "/intervalSeconds"));
      check.put(
          "maxConsecutiveFailures",
          integer(h, "maxConsecutiveFailures", 3, path + "/maxConsecutiveFailures"));
      if (h.hasNonNull("port")) {
        check.put("port", h.get("port").asInt());
      } else {
        check.put("portIndex", integer(h, "portIndex", 0, path + "/portIndex"));
      }
      check.put("timeoutSeconds", integer(h, "timeoutSeconds", 20, path + "/timeoutSeconds"));
      check.put("delaySeconds", integer(h, "delaySeconds", 15, path + "/delaySeconds"));
      check.put("protocol", protocol);
      if (protocol.contains("HTTP")) {
        check.put("path", h.path("path").asText("/"));
        check.put("ipProtocol", h.path("ipProtocol").asText("IPv4"));
      }
      if (protocol.equals("HTTP") || protocol.equals("HTTPS")) {
        check.put("ignoreHttp1xx", h.path("ignoreHttp1xx").asBoolean(false));
      }
      if (h.has("command")) {
        check.set("command", h.get("command"));
      }
      out.add(check);
      i++;
    }
    return out;
  }

  private static ObjectNode labels(ObjectNode in) {
    ObjectNode out = NODES.objectNode();
    JsonNode labels = in.get("labels");
    if (labels == null || labels.isNull()) {
      return out;
    }
    if (!labels.isObject()) {
      throw HttpError.invalidJson("/labels", "error.expected.jsobject");
    }
    for (Map.Entry<String, JsonNode> label : labels.properties()) {
      if (!label.getValue().isTextual()) {
        throw HttpError.invalidJson("/labels/" + label.getKey(), "error.expected.jsstring");
      }
      out.put(label.getKey(), label.getValue().asText());
    }
    return out;
  }

  static int integer(JsonNode node, String field, int fallback, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isIntegralNumber()) {
      return value.asInt();
    }
    if (value.isTextual()) {
      try {
        return Integer.parseInt(value.asText().trim());
      } catch (NumberFormatException e) {
        throw HttpError.invalidJson(path, "error.expected.jsnumber");
      }
    }
    throw HttpError.invalidJson(path, "error.expected.jsnumber");
  }

  private static double number(JsonNode node, String field, double fallback, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isTextual()) {
      try {
        return Double.parseDouble(value.asText().trim());
      } catch (NumberFormatException e) {
        throw HttpError.invalidJson(path, "error.expected.jsnumber");
      }
    }
    throw HttpError.invalidJson(path, "error.expected.jsnumber");
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static void copyOrNull(ObjectNode in, ObjectNode out, String field) {
    out.set(field, in.hasNonNull(field) ? in.get(field) : NODES.nullNode());
  }

  private static ArrayNode arrayOr(ObjectNode in, String field) {
    JsonNode value = in.get(field);
    return value != null && value.isArray() ? (ArrayNode) value : NODES.arrayNode();
  }
}
