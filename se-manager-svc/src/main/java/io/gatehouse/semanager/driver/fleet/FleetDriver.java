package io.gatehouse.semanager.driver.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.ManagerAddress;
import io.gatehouse.semanager.driver.NodeDriver;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.io.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each engine as a fleet unit {@code <prefix>@<hostname>.service} pinned with {@code [X-Fleet]
 * MachineID=} to the fleet machine whose primary IP is the node's address, through fleet's v1 API
 * over TCP ({@code http://host:port}) or its unix socket ({@code unix:///var/run/fleet.sock}). An
 * engine runs when fleet reports its unit systemd-{@code active} on that machine; starting an
 * engine whose unit exists but does not run replaces the unit, and stopping destroys it. With a
 * group image, the unit runs the engine's container with host networking; else the group's command
 * (or the default one) under {@code /bin/sh -c}.
 */
public final class FleetDriver implements NodeDriver {
  private static final Logger log = LoggerFactory.getLogger(FleetDriver.class);
  private static final ObjectMapper json = new ObjectMapper();

  /** The engine command of groups that give neither an image nor a command. */
  public static final String DEFAULT_COMMAND =
      "/opt/gatehouse/bin/service-engine --control={manager} {control_tls} --se-id={se_id} --se-group={group}"
          + " --node-id={node} --hostname={hostname} --admin=127.0.0.1:9180"
          + " --state-dir=/var/lib/gatehouse/{se_id}";

  /** The engine's arguments when it runs from the group's image. */
  static final String IMAGE_ARGUMENTS =
      "--control={manager} {control_tls} --se-id={se_id} --se-group={group} --node-id={node}"
          + " --hostname={hostname} --admin=127.0.0.1:9180 --state-dir=/var/lib/gatehouse";

  /**
   * @param timeout for each API call
   * @param manager how engines reach se-manager: its address and how they trust it
   * @param credentials the credential each engine is deployed with (in its unit's environment)
   */
  public record Settings(
      Duration timeout, ManagerAddress manager, Function<EngineSpec, String> credentials) {}

  private final Settings settings;
  private final HttpClient http = new HttpClient();

  public FleetDriver(Settings settings) {
    this.settings = settings;
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("the HTTP client does not start", e);
    }
  }

  @Override
  public String method() {
    return "fleet";
  }

  /** The unit of an engine. */
  public static String unitName(EngineSpec engine) {
    String prefix = engine.group().getFleet().getUnitPrefix();
    return (prefix.isEmpty() ? "gatehouse-se" : prefix)
        + "@"
        + engine.hostname().replaceAll("[^A-Za-z0-9:_.-]", "_")
        + ".service";
  }

  @Override
  public void start(EngineSpec engine) throws DriverException {
    String unit = unitName(engine);
    Reply existing = call(engine, "GET", "/fleet/v1/units/" + encode(unit), null);
    if (existing.status() == 200) {
      if (running(engine)) {
        return;
      }
      stop(engine); // a unit that failed or sits elsewhere is replaced by a fresh one
    } else {
      expect(existing, "read " + unit, 404);
    }
    ObjectNode body = launched();
    body.set("options", options(engine, machineOf(engine)));
    expect(call(engine, "PUT", "/fleet/v1/units/" + encode(unit), body), "create " + unit, 201);
    log.info("engine {}: fleet unit {} created", engine.seId(), unit);
  }

  @Override
  public void stop(EngineSpec engine) throws DriverException {
    String unit = unitName(engine);
    Reply reply = call(engine, "DELETE", "/fleet/v1/units/" + encode(unit), null);
    expect(reply, "destroy " + unit, 204, 404);
  }

  @Override
  public boolean running(EngineSpec engine) throws DriverException {
    for (JsonNode state :
        all(engine, "/fleet/v1/state?unitName=" + encode(unitName(engine)), "states")) {
      if (state.path("systemdActiveState").asText().equals("active")) {
        return true;
      }
    }
    return false;
  }

  private static ObjectNode launched() {
    ObjectNode body = json.createObjectNode();
    body.put("desiredState", "launched");
    return body;
  }

  /** The fleet machine of the engine's node: the one whose primary IP is the node's address. */
  private String machineOf(EngineSpec engine) throws DriverException {
    for (JsonNode machine : all(engine, "/fleet/v1/machines", "machines")) {
      if (machine.path("primaryIP").asText().equals(engine.address())) {
        return machine.path("id").asText();
      }
    }
    throw new DriverException(
        "no fleet machine has primary IP "
            + engine.address()
            + " (node "
            + engine.hostname()
            + "): is fleet running there?");
  }

  private ArrayNode options(EngineSpec engine, String machineId) {
    ServiceEngineGroup group = engine.group();
    ArrayNode options = json.createArrayNode();
    option(options, "Unit", "Description", "Gatehouse service engine " + engine.seId());
    String image = group.getImage().getDockerImage();
    if (!image.isEmpty()) {
      option(options, "Service", "ExecStartPre", "-/usr/bin/docker rm -f gatehouse-se");
      option(
          options,
          "Service",
          "ExecStart",
          "/usr/bin/docker run --rm --name gatehouse-se --net=host -e GATEHOUSE_SE_TOKEN "
              + image
              + " "
              + engine.expand(IMAGE_ARGUMENTS, settings.manager(), Map.of()));
      option(options, "Service", "ExecStop", "/usr/bin/docker stop gatehouse-se");
    } else {
      String template =
          group.getImage().getCommand().isBlank() ? DEFAULT_COMMAND : group.getImage().getCommand();
      option(
          options,
          "Service",
          "ExecStart",
          "/bin/sh -c '"
              + engine.expand(template, settings.manager(), Map.of()).replace("'", "'\\''")
              + "'");
    }
    if (settings.credentials() != null) {
      option(
          options,
          "Service",
          "Environment",
          "GATEHOUSE_SE_TOKEN=" + settings.credentials().apply(engine));
    }
    option(options, "Service", "Restart", "always");
    option(options, "X-Fleet", "MachineID", machineId);
    return options;
  }

  private static void option(ArrayNode options, String section, String name, String value) {
    options.addObject().put("section", section).put("name", name).put("value", value);
  }

  private record Reply(int status, JsonNode body) {}

  /** Every item of a paged list. */
  private List<JsonNode> all(EngineSpec engine, String path, String field) throws DriverException {
    List<JsonNode> items = new ArrayList<>();
    String token = null;
    do {
      String page =
          token == null
              ? path
              : path + (path.contains("?") ? "&" : "?") + "nextPageToken=" + encode(token);
      Reply reply = call(engine, "GET", page, null);
      expect(reply, "list " + field, 200);
      reply.body().path(field).forEach(items::add);
      token = reply.body().path("nextPageToken").asText(null);
    } while (token != null);
    return items;
  }

  private Reply call(EngineSpec engine, String method, String path, JsonNode body)
      throws DriverException {
    String endpoint = engine.group().getFleet().getEndpoint();
    if (endpoint.isEmpty()) {
      throw new DriverException("group " + engine.groupName() + " has no fleet endpoint");
    }
    boolean unix = endpoint.startsWith("unix://");
    String base = unix ? "http://localhost" : endpoint.replaceAll("/+$", "");
    Request request =
        http.newRequest(URI.create(base + path))
            .method(method)
            .timeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    if (unix) {
      request.transport(new Transport.TCPUnix(Path.of(URI.create(endpoint).getPath())));
    }
    if (body != null) {
      request.body(new StringRequestContent("application/json", body.toString()));
    }
    try {
      ContentResponse response = request.send();
      String text = response.getContentAsString();
      JsonNode parsed;
      try {
        parsed = json.readTree(text == null || text.isEmpty() ? "{}" : text);
      } catch (IOException e) {
        parsed = json.createObjectNode();
      }
      return new Reply(response.getStatus(), parsed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted", e);
    } catch (TimeoutException | ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new DriverException("fleet at " + endpoint + " does not answer: " + cause, e);
    }
  }

  private static void expect(Reply reply, String what, int... statuses) throws DriverException {
    for (int status : statuses) {
      if (reply.status() == status) {
        return;
      }
    }
    throw new DriverException(
        "could not "
            + what
            + ": fleet answered "
            + reply.status()
            + " "
            + reply.body().path("error").path("message").asText(""));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      http.stop();
    } catch (Exception e) {
      log.debug("fleet client stop: {}", e.toString());
    }
  }
}
