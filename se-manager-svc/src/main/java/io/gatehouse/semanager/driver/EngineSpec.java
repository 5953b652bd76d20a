package io.gatehouse.semanager.driver;

import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import java.util.LinkedHashMap;
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
   * Fills a shell command template: {@code {se_id}}, {@code {group}}, {@code {node}}, {@code
   * {hostname}}, {@code {address}}, {@code {manager}} (se-manager's gRPC address), {@code
   * {control_tls}} (how the engine trusts it) and any {@code extra} names, each value quoted as one
   * shell word ({@link ShellWords}): a node that calls itself {@code a;touch x} runs nothing.
   */
  public String expand(String template, ManagerAddress manager, Map<String, String> extra) {
    Map<String, String> words = new LinkedHashMap<>();
    words.put("se_id", seId);
    words.put("group", groupName());
    words.put("node", nodeId);
    words.put("hostname", hostname);
    words.put("address", address);
    words.put("manager", manager.target());
    words.put("control_tls", manager.tlsArgument());
    words.putAll(extra);
    words.replaceAll((name, value) -> ShellWords.quote(value));
    return fill(template, words);
  }

  /**
   * Fills {@code template}'s {@code {name}} places with {@code words}, which are shell words
   * already (quoted by the caller, or shell syntax it means, such as {@code "$HOST"}).
   */
  public static String fill(String template, Map<String, String> words) {
    String filled = template;
    for (Map.Entry<String, String> word : words.entrySet()) {
      filled = filled.replace("{" + word.getKey() + "}", word.getValue());
    }
    return filled;
  }
}
