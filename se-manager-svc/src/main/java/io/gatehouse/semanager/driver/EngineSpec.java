package io.gatehouse.semanager.driver;

import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import java.util.Map;

/**
 * One engine to run: which, on which node, for which group.
 *
 * @param seId the engine's id, "{group}@{hostname}", which it says in its hello
 * @param nodeId Mesos agent id
 * @param hostname the agent's hostname
 * @param address the agent's address
 * @param group the engine's service engine group, with its deployment settings
 */
public record EngineSpec(
    String seId, String nodeId, String hostname, String address, ServiceEngineGroup group) {

  /** The id of the engine of {@code group} on the node {@code hostname}. */
  public static String idOf(String group, String hostname) {
    return group + "@" + hostname;
  }

  public String groupName() {
    return group.getMeta().getName();
  }

  /**
   * Fills a command template: {@code {se_id}}, {@code {group}}, {@code {node}}, {@code {hostname}},
   * {@code {address}}, {@code {manager}} (se-manager's gRPC address) and any {@code extra} names.
   */
  public String expand(String template, String manager, Map<String, String> extra) {
    String expanded =
        template
            .replace("{se_id}", seId)
            .replace("{group}", groupName())
            .replace("{node}", nodeId)
            .replace("{hostname}", hostname)
            .replace("{address}", address)
            .replace("{manager}", manager);
    for (Map.Entry<String, String> e : extra.entrySet()) {
      expanded = expanded.replace("{" + e.getKey() + "}", e.getValue());
    }
    return expanded;
  }
}
