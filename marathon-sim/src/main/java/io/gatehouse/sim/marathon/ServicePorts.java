package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.http.HttpError;
import java.util.ArrayList;
import java.util.List;

/**
 * Marathon's service ports (local_port_min..local_port_max): unique across apps, assigned when an
 * app asks for port 0. Used on the state thread only.
 */
final class ServicePorts {
  private final PortAllocator ports;

  ServicePorts(int[] range) {
    this.ports = new PortAllocator(range[0], range[1]);
  }

  /**
   * Fills in the service ports a definition asks Marathon to choose (0), keeping those a previous
   * version of the app had; a port another app holds is a 422.
   */
  void assign(ObjectNode definition, ObjectNode previous) {
    List<Integer> before = previous == null ? List.of() : of(previous);
    boolean host = AppDefinitions.networkMode(definition).equals("host");
    JsonNode specs =
        host
            ? definition.get("portDefinitions")
            : definition.path("container").path("portMappings");
    String field = host ? "port" : "servicePort";
    before.forEach(ports::release);
    int index = 0;
    for (JsonNode spec : specs) {
      ObjectNode p = (ObjectNode) spec;
      int requested = p.path(field).asInt(0);
      boolean udpOnly = p.path("protocol").asText().equals("udp");
      if (requested == 0 && !(udpOnly && !host)) {
        requested =
            index < before.size() && before.get(index) > 0 ? before.get(index) : ports.allocate();
        ports.claim(requested);
        p.put(field, requested);
      } else if (requested > 0 && !ports.claim(requested) && !before.contains(requested)) {
        before.forEach(ports::claim);
        throw HttpError.invalid(
            host
                ? "/portDefinitions(" + index + ")/port"
                : "/container/portMappings(" + index + ")/servicePort",
            "Requested service port " + requested + " is already in use by another app");
      }
      index++;
    }
  }

  /** The service ports of a stored definition, by port index. */
  static List<Integer> of(ObjectNode definition) {
    boolean host = AppDefinitions.networkMode(definition).equals("host");
    JsonNode specs =
        host
            ? definition.get("portDefinitions")
            : definition.path("container").path("portMappings");
    List<Integer> ports = new ArrayList<>();
    for (JsonNode spec : specs) {
      ports.add(spec.path(host ? "port" : "servicePort").asInt(0));
    }
    return ports;
  }

  /** Frees the service ports of a deleted app. */
  void release(ObjectNode definition) {
    of(definition).forEach(ports::release);
  }
}
