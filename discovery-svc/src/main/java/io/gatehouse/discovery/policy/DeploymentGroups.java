package io.gatehouse.discovery.policy;

import io.gatehouse.discovery.labels.ProxyTranslator;
import io.gatehouse.discovery.marathon.MarathonApp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which apps share a marathon-lb blue/green deployment group, so that a change to one (a scale, a
 * removal) rewrites the other: the older app's pool carries the newer app's share. Not thread-safe:
 * its writer guards it.
 */
final class DeploymentGroups {
  private final Map<String, String> groupOf = new HashMap<>();

  /** Starts over from every app. */
  void reset(Collection<MarathonApp> apps) {
    groupOf.clear();
    apps.forEach(a -> record(a.id(), ProxyTranslator.deploymentGroup(a)));
  }

  /**
   * {@code appId} now belongs to {@code group} (null: none, or gone); returns the apps to write
   * again: it, and those of its group before and after.
   */
  List<String> changed(String appId, String group) {
    String before = record(appId, group);
    List<String> affected = new ArrayList<>();
    affected.add(appId);
    groupOf.forEach(
        (id, g) -> {
          if (!id.equals(appId) && (g.equals(before) || g.equals(group))) {
            affected.add(id);
          }
        });
    return affected;
  }

  /** The other apps of {@code group}. */
  List<String> peers(String appId, String group) {
    return groupOf.entrySet().stream()
        .filter(e -> e.getValue().equals(group) && !e.getKey().equals(appId))
        .map(Map.Entry::getKey)
        .toList();
  }

  private String record(String appId, String group) {
    return group == null ? groupOf.remove(appId) : groupOf.put(appId, group);
  }
}
