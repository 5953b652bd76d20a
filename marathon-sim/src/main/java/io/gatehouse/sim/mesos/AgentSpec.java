package io.gatehouse.sim.mesos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to simulate one agent: its loopback address (which is also its hostname: tasks listen on it),
 * attributes and resources.
 *
 * @param hostname a loopback address other than 127.0.0.1, e.g. 127.0.0.5
 * @param attributes Mesos attributes, e.g. rack=r1
 * @param cpus CPUs offered
 * @param memMib memory offered
 */
public record AgentSpec(
    String hostname, Map<String, String> attributes, double cpus, double memMib) {
  static final double DEFAULT_CPUS = 4.0;
  static final double DEFAULT_MEM = 14018.0;

  public AgentSpec {
    if (!hostname.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || hostname.equals("127.0.0.1")) {
      throw new IllegalArgumentException(
          "agent "
              + hostname
              + ": must be a loopback address other than 127.0.0.1, e.g. 127.0.0.5");
    }
    attributes = Map.copyOf(attributes);
  }

  /** {@code count} agents on 127.0.0.2, 127.0.0.3, ... in racks r1 and r2. */
  public static List<AgentSpec> defaults(int count) {
    List<AgentSpec> agents = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      agents.add(
          new AgentSpec(
              "127.0.0." + (i + 2),
              Map.of("rack", "r" + (i % 2 + 1), "zone", "local"),
              DEFAULT_CPUS,
              DEFAULT_MEM));
    }
    return agents;
  }

  /**
   * Parses {@code HOST[:name=value,...]}; the names {@code cpus} and {@code mem} set resources, the
   * others are attributes. Example: {@code 127.0.0.5:rack=r3,public=true,cpus=8}.
   */
  public static AgentSpec parse(String text) {
    int colon = text.indexOf(':');
    String host = colon < 0 ? text.trim() : text.substring(0, colon).trim();
    Map<String, String> attributes = new LinkedHashMap<>();
    double cpus = DEFAULT_CPUS;
    double mem = DEFAULT_MEM;
    if (colon >= 0 && colon < text.length() - 1) {
      for (String pair : text.substring(colon + 1).split(",")) {
        String[] kv = pair.split("=", 2);
        if (kv.length != 2 || kv[0].isBlank()) {
          throw new IllegalArgumentException(
              "agent " + text + ": expected name=value, not " + pair);
        }
        switch (kv[0].trim()) {
          case "cpus" -> cpus = Double.parseDouble(kv[1].trim());
          case "mem" -> mem = Double.parseDouble(kv[1].trim());
          default -> attributes.put(kv[0].trim(), kv[1].trim());
        }
      }
    }
    return new AgentSpec(host, attributes, cpus, mem);
  }
}
