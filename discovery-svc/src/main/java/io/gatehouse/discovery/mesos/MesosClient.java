package io.gatehouse.discovery.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.discovery.marathon.MarathonException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the agents from the Mesos master's {@code GET /master/slaves}. A non-leading master answers
 * 307 to the leader, which is followed.
 */
public final class MesosClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final Duration timeout;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();

  public MesosClient(String baseUrl, Duration timeout) {
    this.base = baseUrl.replaceAll("/+$", "");
    this.timeout = timeout;
  }

  public String baseUrl() {
    return base;
  }

  /** Every agent the master knows. */
  public List<Agent> agents() {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/master/slaves"))
                  .timeout(timeout)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new MarathonException("Mesos master at " + base + " unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MarathonException("interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new MarathonException(
          response.statusCode(), "Mesos master answered " + response.statusCode());
    }
    try {
      List<Agent> agents = new ArrayList<>();
      for (JsonNode slave : JSON.readTree(response.body()).path("slaves")) {
        agents.add(parse(slave));
      }
      return agents;
    } catch (IOException e) {
      throw new MarathonException(200, "Mesos master answered something that is not JSON");
    }
  }

  static Agent parse(JsonNode slave) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> a : slave.path("attributes").properties()) {
      attributes.put(a.getKey(), a.getValue().asText());
    }
    String pid = slave.path("pid").asText("");
    String address =
        pid.contains("@")
            ? pid.substring(pid.indexOf('@') + 1).replaceFirst(":\\d+$", "")
            : slave.path("hostname").asText();
    JsonNode resources = slave.path("resources");
    JsonNode used = slave.path("used_resources");
    List<String> ranges = new ArrayList<>();
    String ports = resources.path("ports").asText("");
    for (String range : ports.replace("[", "").replace("]", "").split(",")) {
      if (!range.isBlank()) {
        ranges.add(range.trim());
      }
    }
    return new Agent(
        slave.path("id").asText(),
        slave.path("hostname").asText(),
        address,
        attributes,
        resources.path("cpus").asDouble(),
        resources.path("mem").asDouble(),
        resources.path("disk").asDouble(),
        ranges,
        used.path("cpus").asDouble(),
        used.path("mem").asDouble(),
        slave.path("active").asBoolean(true),
        slave.path("registered_time").asDouble());
  }
}
