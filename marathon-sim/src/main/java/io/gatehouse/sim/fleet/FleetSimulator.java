package io.gatehouse.sim.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.http.HttpExchange;
import io.gatehouse.sim.http.HttpServer;
import io.gatehouse.sim.http.Router;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fleet v1 HTTP API as fleet answers it: {@code /fleet/v1/units} (PUT creates with options and
 * a desired state, or changes the desired state of an existing unit; GET; DELETE), {@code
 * /fleet/v1/state} (systemd states per machine, filterable by machine and unit), {@code
 * /fleet/v1/machines}; paging with {@code nextPageToken}; Go-style omitted empty fields; errors as
 * {@code {"error":{"code":..,"message":..}}} with fleet's own messages and statuses (400, 404, 405,
 * 409, 415).
 *
 * <p>Scheduling: a unit with {@code [X-Fleet] MachineID=} runs on that machine (and stays
 * unscheduled while it is absent), {@code Global=true} on every machine, any other on the machine
 * with the fewest units. A scheduled unit reaches its desired state at once: launched units are
 * systemd {@code active/running}, loaded ones {@code inactive/dead}. Tests can fail a unit's
 * process and add or remove machines.
 */
public final class FleetSimulator implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> STATES = Set.of("inactive", "loaded", "launched");

  /** A fleet machine. */
  public record Machine(String id, String primaryIp, Map<String, String> metadata) {}

  private static final class Unit {
    final String name;
    final ArrayNode options;
    String desiredState;
    boolean failed;

    Unit(String name, ArrayNode options, String desiredState) {
      this.name = name;
      this.options = options;
      this.desiredState = desiredState;
    }

    String option(String section, String name) {
      for (JsonNode o : options) {
        if (o.path("section").asText().equals(section) && o.path("name").asText().equals(name)) {
          return o.path("value").asText();
        }
      }
      return null;
    }

    boolean global() {
      return "true".equalsIgnoreCase(option("X-Fleet", "Global"));
    }
  }

  private final Map<String, Machine> machines = new LinkedHashMap<>();
  private final Map<String, Unit> units = new TreeMap<>();
  private final int pageSize;
  private final HttpServer server;
  private final Path socket;

  private FleetSimulator(List<Machine> machines, int pageSize, SocketAddress address)
      throws InterruptedException {
    machines.forEach(m -> this.machines.put(m.id(), m));
    this.pageSize = pageSize;
    this.socket = address instanceof UnixDomainSocketAddress unix ? unix.getPath() : null;
    this.server = HttpServer.start(address, routes(), null, "fleet");
  }

  /**
   * Serves fleet's API on {@code address}: a TCP address, or a {@link UnixDomainSocketAddress} (as
   * fleet does on /var/run/fleet.sock).
   *
   * @param pageSize items per page (fleet's default is 100)
   */
  public static FleetSimulator start(List<Machine> machines, int pageSize, SocketAddress address)
      throws InterruptedException {
    return new FleetSimulator(machines, pageSize, address);
  }

  /** The TCP port (for a TCP address). */
  public int port() {
    return server.port();
  }

  /** Makes a unit's process fail on its machine (systemd {@code failed}). */
  public synchronized void fail(String unitName) {
    Unit unit = units.get(unitName);
    if (unit != null) {
      unit.failed = true;
    }
  }

  /** Names of the units that exist now. */
  public synchronized Set<String> unitNames() {
    return Set.copyOf(units.keySet());
  }

  private Router routes() {
    Router router = new Router();
    router.add("GET", "/fleet/v1/units", this::listUnits);
    router.add("GET", "/fleet/v1/units/(?<name>[^/]+)", this::getUnit);
    router.add("PUT", "/fleet/v1/units/(?<name>[^/]+)", this::putUnit);
    router.add("DELETE", "/fleet/v1/units/(?<name>[^/]+)", this::deleteUnit);
    router.add(
        Router.ANY_METHOD,
        "/fleet/v1/units/(?<name>[^/]+)",
        ex -> error(ex, 405, "only GET, PUT and DELETE supported against this resource"));
    router.add("GET", "/fleet/v1/state", this::listState);
    router.add("GET", "/fleet/v1/machines", this::listMachines);
    router.add(
        Router.ANY_METHOD,
        "/fleet/v1/(units|state|machines)",
        ex -> error(ex, 405, "only GET supported against this resource"));
    router.add(Router.ANY_METHOD, ".*", ex -> error(ex, 404, ""));
    return router;
  }

  private synchronized void listUnits(HttpExchange ex) {
    List<JsonNode> all = new ArrayList<>();
    units.values().forEach(u -> all.add(unitJson(u)));
    page(ex, "units", all);
  }

  private synchronized void getUnit(HttpExchange ex) {
    Unit unit = units.get(ex.pathParam("name"));
    if (unit == null) {
      error(ex, 404, "unit does not exist");
      return;
    }
    ex.json(200, unitJson(unit));
  }

  private synchronized void putUnit(HttpExchange ex) {
    String name = ex.pathParam("name");
    String contentType = ex.header("Content-Type");
    if (contentType == null
        || !contentType.split(";")[0].trim().equalsIgnoreCase("application/json")) {
      error(ex, 415, "only acceptable Content-Type is application/json");
      return;
    }
    JsonNode body;
    try {
      body = JSON.readTree(ex.body());
    } catch (IOException e) {
      error(ex, 400, "unable to decode body: " + e.getMessage());
      return;
    }
    if (body == null || !body.isObject()) {
      error(ex, 400, "unable to decode body: expected a JSON object");
      return;
    }
    if (!validName(name)) {
      error(ex, 400, "unable to parse unit name: " + name);
      return;
    }
    String bodyName = body.path("name").asText("");
    if (!bodyName.isEmpty() && !bodyName.equals(name)) {
      error(
          ex,
          400,
          "name in URL \""
              + name
              + "\" differs from unit name in request body \""
              + bodyName
              + "\"");
      return;
    }
    String desired = body.path("desiredState").asText("");
    if (!desired.isEmpty() && !STATES.contains(desired)) {
      error(ex, 400, "invalid desiredState: " + desired);
      return;
    }
    Unit existing = units.get(name);
    if (existing != null) {
      if (desired.isEmpty()) {
        error(ex, 409, "must provide DesiredState to update existing unit");
        return;
      }
      existing.desiredState = desired;
      existing.failed = false;
      ex.empty(204, Map.of());
      return;
    }
    ArrayNode options =
        body.path("options").isArray() ? (ArrayNode) body.get("options") : JSON.createArrayNode();
    if (options.isEmpty()) {
      error(ex, 409, "unit does not exist and options field empty");
      return;
    }
    units.put(name, new Unit(name, options, desired.isEmpty() ? "launched" : desired));
    ex.empty(201, Map.of());
  }

  private synchronized void deleteUnit(HttpExchange ex) {
    if (units.remove(ex.pathParam("name")) == null) {
      error(ex, 404, "unit does not exist");
      return;
    }
    ex.empty(204, Map.of());
  }

  private synchronized void listState(HttpExchange ex) {
    String machineFilter = first(ex, "machineID");
    String unitFilter = first(ex, "unitName");
    List<JsonNode> states = new ArrayList<>();
    for (Unit unit : units.values()) {
      if (unitFilter != null && !unitFilter.equals(unit.name)) {
        continue;
      }
      for (String machine : placement(unit)) {
        if (machineFilter != null && !machineFilter.equals(machine)) {
          continue;
        }
        ObjectNode state = JSON.createObjectNode();
        state.put("hash", sha1(unit.options.toString()));
        state.put("machineID", machine);
        state.put("name", unit.name);
        boolean launched = unit.desiredState.equals("launched");
        state.put("systemdActiveState", unit.failed ? "failed" : launched ? "active" : "inactive");
        state.put("systemdLoadState", "loaded");
        state.put("systemdSubState", unit.failed ? "failed" : launched ? "running" : "dead");
        if (!unit.desiredState.equals("inactive")) {
          states.add(state);
        }
      }
    }
    page(ex, "states", states);
  }

  private synchronized void listMachines(HttpExchange ex) {
    List<JsonNode> all = new ArrayList<>();
    for (Machine machine : machines.values()) {
      ObjectNode json = JSON.createObjectNode();
      json.put("id", machine.id());
      if (!machine.metadata().isEmpty()) {
        ObjectNode metadata = json.putObject("metadata");
        machine.metadata().forEach(metadata::put);
      }
      json.put("primaryIP", machine.primaryIp());
      all.add(json);
    }
    page(ex, "machines", all);
  }

  /** The machines a unit runs on now (none when unscheduled or inactive). */
  private List<String> placement(Unit unit) {
    if (unit.desiredState.equals("inactive")) {
      return List.of();
    }
    if (unit.global()) {
      return List.copyOf(machines.keySet());
    }
    String pinned = unit.option("X-Fleet", "MachineID");
    if (pinned != null) {
      return machines.containsKey(pinned) ? List.of(pinned) : List.of();
    }
    String least = null;
    long fewest = Long.MAX_VALUE;
    for (String machine : machines.keySet()) {
      long count =
          units.values().stream()
              .filter(u -> u != unit && machine.equals(u.option("X-Fleet", "MachineID")))
              .count();
      if (count < fewest) {
        fewest = count;
        least = machine;
      }
    }
    return least == null ? List.of() : List.of(least);
  }

  private JsonNode unitJson(Unit unit) {
    ObjectNode json = JSON.createObjectNode();
    List<String> placed = placement(unit);
    json.put("currentState", placed.isEmpty() && !unit.global() ? "inactive" : unit.desiredState);
    json.put("desiredState", unit.desiredState);
    if (!unit.global() && !placed.isEmpty()) {
      json.put("machineID", placed.get(0));
    }
    json.put("name", unit.name);
    ArrayNode options = json.putArray("options");
    for (JsonNode o : unit.options) {
      ObjectNode option = options.addObject();
      option.put("name", o.path("name").asText());
      option.put("section", o.path("section").asText());
      option.put("value", o.path("value").asText());
    }
    return json;
  }

  private void page(HttpExchange ex, String field, List<JsonNode> items) {
    int offset = 0;
    String token = first(ex, "nextPageToken");
    if (token != null) {
      try {
        offset =
            Integer.parseInt(
                new String(Base64.getDecoder().decode(token), StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException e) {
        error(ex, 400, "invalid value for nextPageToken");
        return;
      }
    }
    ObjectNode body = JSON.createObjectNode();
    int end = Math.min(items.size(), offset + pageSize);
    if (offset < end) {
      ArrayNode array = body.putArray(field);
      items.subList(offset, end).forEach(array::add);
    }
    if (end < items.size()) {
      body.put(
          "nextPageToken",
          Base64.getEncoder()
              .encodeToString(Integer.toString(end).getBytes(StandardCharsets.US_ASCII)));
    }
    ex.json(200, body);
  }

  private static String first(HttpExchange ex, String name) {
    List<String> values = ex.queryParams(name);
    return values.isEmpty() ? null : values.get(0);
  }

  private static void error(HttpExchange ex, int code, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", code).put("message", message);
    ex.json(code, body);
  }

  private static boolean validName(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0
        && name.substring(dot + 1).matches("service|socket|timer|path|device|mount|target")
        && name.substring(0, dot).matches("[a-zA-Z0-9:_.@\\\\-]+");
  }

  private static String sha1(String text) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-1")
              .digest(text.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
    if (socket != null) {
      try {
        Files.deleteIfExists(socket);
      } catch (IOException e) {
        // a leftover socket file in a temporary folder
      }
    }
  }
}
