package io.gatehouse.discovery.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.common.net.HostNames;
import io.gatehouse.discovery.internal.BoundedBody;
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
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the agents from the Mesos master's {@code GET /master/slaves} (a non-leading master answers
 * 307 to the leader, which is followed), and what their tasks use from each agent.
 */
public final class MesosClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger log = LoggerFactory.getLogger(MesosClient.class);

  /** Mesos agent ids: a framework-style id with an S suffix, e.g. 20151225-...-S0. */
  private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private static final Pattern PID_PORT = Pattern.compile(":(\\d+)$");

  private volatile String base;
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

  /** Asks the master at {@code baseUrl} from now on. */
  public void retarget(String baseUrl) {
    this.base = baseUrl.replaceAll("/+$", "");
  }

  /** What a master says of itself: its version, the leading master, and its agents. */
  public record Master(String version, String leader, int agentCount) {}

  /** What the master says of itself ({@code /master/state}); an error unless it answers as one. */
  public Master master() {
    try {
      JsonNode state = JSON.readTree(get("/master/state"));
      if (!state.path("version").isTextual()) {
        throw new MarathonException(200, "the answer of " + base + "/master/state is not Mesos's");
      }
      return new Master(
          state.path("version").asText(),
          state.path("leader").asText(""),
          state.path("slaves").size());
    } catch (IOException e) {
      throw new MarathonException(200, "Mesos master answered something that is not JSON");
    }
  }

  /** Every agent the master knows. */
  public List<Agent> agents() {
    String body = get("/master/slaves");
    try {
      List<Agent> agents = new ArrayList<>();
      for (JsonNode slave : JSON.readTree(body).path("slaves")) {
        Agent agent = parse(slave);
        if (agent == null) {
          log.warn(
              "Mesos agent {} left out: its host name \"{}\" or address is not a host name or IP"
                  + " address",
              HostNames.printable(slave.path("id").asText()),
              HostNames.printable(slave.path("hostname").asText()));
          continue;
        }
        agents.add(agent);
      }
      return agents;
    } catch (IOException e) {
      throw new MarathonException(200, "Mesos master answered something that is not JSON");
    }
  }

  /** The body of the master's answer to {@code GET path}; an error unless it is a 200. */
  private String get(String path) {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET().build(),
              BoundedBody.ofString());
    } catch (IOException e) {
      throw new MarathonException(
          "Mesos master at " + base + " unreachable: " + MarathonException.reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MarathonException("interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new MarathonException(
          response.statusCode(), "Mesos master answered " + response.statusCode());
    }
    return response.body();
  }

  /**
   * One agent of the master's state; null when its id, host name, address or port is not what a
   * Mesos agent has (they go into engine ids, commands and file names downstream).
   */
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
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1); // an IPv6 agent: slave(1)@[::1]:5051
    }
    int port = slave.path("port").asInt(5051);
    Matcher pidPort = PID_PORT.matcher(pid);
    if (pidPort.find()) {
      String digits = pidPort.group(1);
      port = digits.length() > 5 ? -1 : Integer.parseInt(digits); // refused below
    }
    String hostname = slave.path("hostname").asText();
    if (!HostNames.valid(hostname)
        || !HostNames.valid(address)
        || !AGENT_ID.matcher(slave.path("id").asText()).matches()
        || port < 1
        || port > 65535) {
      return null;
    }
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
        hostname,
        address,
        port,
        attributes,
        resources.path("cpus").asDouble(),
        resources.path("mem").asDouble(),
        resources.path("disk").asDouble(),
        ranges,
        used.path("cpus").asDouble(),
        used.path("mem").asDouble(),
        slave.path("active").asBoolean(true),
        slave.path("registered_time").asDouble(),
        List.of());
  }

  /** One executor's figures from an agent's {@code /monitor/statistics}. */
  public record ExecutorStatistics(
      String taskId,
      double cpusLimit,
      double cpuSeconds,
      double memLimitMib,
      double memUsedMib,
      double timestamp) {}

  /**
   * The resource use of the tasks on {@code agent}, from the agent itself ({@code GET
   * /monitor/statistics} at the address and port of its pid), asked without waiting so that all
   * agents are asked at once. A Marathon task runs in a command executor whose id is the task's
   * ({@code source} names the task too).
   */
  public CompletableFuture<List<ExecutorStatistics>> statistics(Agent agent) {
    String host = agent.address().contains(":") ? "[" + agent.address() + "]" : agent.address();
    String url = "http://" + host + ":" + agent.port() + "/monitor/statistics";
    return http.sendAsync(
            HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
            BoundedBody.ofString())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                throw new MarathonException(
                    "agent at " + url + " unreachable: " + MarathonException.reason(cause), cause);
              }
              return executors(url, response);
            });
  }

  private static List<ExecutorStatistics> executors(String url, HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new MarathonException(
          response.statusCode(), "agent at " + url + " answered " + response.statusCode());
    }
    try {
      List<ExecutorStatistics> out = new ArrayList<>();
      for (JsonNode executor : JSON.readTree(response.body())) {
        JsonNode s = executor.path("statistics");
        String source = executor.path("source").asText("");
        out.add(
            new ExecutorStatistics(
                source.isEmpty() ? executor.path("executor_id").asText() : source,
                s.path("cpus_limit").asDouble(),
                s.path("cpus_user_time_secs").asDouble()
                    + s.path("cpus_system_time_secs").asDouble(),
                s.path("mem_limit_bytes").asDouble() / 1048576,
                s.path("mem_rss_bytes").asDouble() / 1048576,
                s.path("timestamp").asDouble()));
      }
      return out;
    } catch (IOException e) {
      throw new MarathonException(200, "agent at " + url + " answered something that is not JSON");
    }
  }
}
