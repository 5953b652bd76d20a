package io.gatehouse.sim.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.gatehouse.sim.http.HttpError;
import io.gatehouse.sim.http.HttpExchange;
import io.gatehouse.sim.http.Router;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The secrets of store {@code default}, served as the DC/OS Secrets API does under {@code
 * /secrets/v1/secret/default/<path>}: {@code PUT} creates (201, or 409 when the path exists),
 * {@code PATCH} replaces the value (204, or 404), {@code GET} reads, {@code DELETE} removes. Every
 * call must carry {@code Authorization: token=<token>} with the simulator's token. Values are what
 * Marathon's secret plugin hands a task: the {@code source} of an app's secret names a path here.
 */
public final class SecretStore {
  /** The largest value kept, as the DC/OS store bounds its secrets. */
  static final int MAX_VALUE_BYTES = 1 << 20;

  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

  private final Map<String, String> values = new ConcurrentHashMap<>();
  private final String token;

  /**
   * @param token the token calls must carry ({@code Authorization: token=…})
   */
  public SecretStore(String token) {
    this.token = token;
  }

  /** The value at {@code path} (the {@code source} of an app's secret), if there is one. */
  public Optional<String> value(String path) {
    return Optional.ofNullable(values.get(strip(path)));
  }

  /** Adds the Secrets API to {@code router}. */
  public Router routes(Router router) {
    String route = "/secrets/v1/secret/(?<store>[^/]+)/(?<path>.+)";
    return router.add(Router.ANY_METHOD, route, this::handle);
  }

  private void handle(HttpExchange x) {
    String given = x.header("Authorization");
    if (given == null
        || !MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8),
            ("token=" + token).getBytes(StandardCharsets.UTF_8))) {
      throw HttpError.of(401, "a token is required: Authorization: token=<token>");
    }
    if (!"default".equals(x.pathParam("store"))) {
      throw HttpError.of(404, "no secret store " + x.pathParam("store"));
    }
    String path = strip(x.pathParam("path"));
    if (!PATH.matcher(path).matches()) {
      throw HttpError.of(400, "a secret path is words of [A-Za-z0-9._-] separated by /");
    }
    switch (x.method()) {
      case "GET" -> {
        String value = values.get(path);
        if (value == null) {
          throw HttpError.of(404, "no secret at " + path);
        }
        x.json(200, JsonNodeFactory.instance.objectNode().put("value", value));
      }
      case "PUT" -> {
        String value = valueOf(x);
        if (values.putIfAbsent(path, value) != null) {
          throw HttpError.of(409, "a secret already exists at " + path);
        }
        x.empty(201, Map.of());
      }
      case "PATCH" -> {
        String value = valueOf(x);
        if (values.computeIfPresent(path, (p, old) -> value) == null) {
          throw HttpError.of(404, "no secret at " + path);
        }
        x.empty(204, Map.of());
      }
      case "DELETE" -> {
        if (values.remove(path) == null) {
          throw HttpError.of(404, "no secret at " + path);
        }
        x.empty(204, Map.of());
      }
      default -> throw HttpError.of(405, x.method() + " is not a Secrets API method");
    }
  }

  private static String valueOf(HttpExchange x) {
    JsonNode value = x.jsonBody().path("value");
    if (!value.isTextual()) {
      throw HttpError.of(400, "the body is {\"value\": \"<the secret>\"}");
    }
    if (value.asText().length() > MAX_VALUE_BYTES) {
      throw HttpError.of(413, "a secret holds at most " + MAX_VALUE_BYTES + " bytes");
    }
    return value.asText();
  }

  private static String strip(String path) {
    return path.startsWith("/") ? path.substring(1) : path;
  }
}
