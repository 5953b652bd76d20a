package io.gatehouse.semanager.compile;

import io.gatehouse.api.policy.v1.NetworkSecurityPolicy;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.semanager.push.ResourceSet;
import io.gatehouse.semanager.push.ResourceVersions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compilation made again after only the Marathon apps changed (the same policy view): the pools
 * of the apps that changed, and the security policies whose rules name apps, are compiled anew;
 * everything else is the earlier compilation's. When the new app view knows which apps changed
 * since the earlier one (the app follower's views do), only their pools are looked at, so a task's
 * change costs its app's pools, not a walk over every pool.
 */
final class AppRecompilation {
  private final ResourceVersions versions;

  /** The policy view the index below was made from, and its pools by the key of their app. */
  private PolicyView indexed;

  private Map<String, List<String>> poolsByApp = Map.of();

  AppRecompilation(ResourceVersions versions) {
    this.versions = versions;
  }

  /**
   * {@code compiled} (made from {@code policy} and {@code before}) with what depends on the apps
   * compiled anew from {@code apps}.
   */
  synchronized ResourceSet recompile(
      PolicyView policy, AppView before, AppView apps, ResourceSet compiled) {
    Set<String> changed = apps.changedSince(before);
    Map<String, Resource> pools = compiled.ofType(ResourceType.RESOURCE_TYPE_POOL);
    List<Resource> newPools = new ArrayList<>();
    for (String name : changed == null ? pools.keySet() : poolsOf(policy, changed)) {
      Pool pool = policy.pools().get(name);
      if (pools.containsKey(name) && appChanged(pool, before, apps)) {
        newPools.add(versions.versioned(ConfigCompiler.pool(pool, policy, apps)));
      }
    }
    List<Resource> newSecurityPolicies = new ArrayList<>();
    if (changed == null || !changed.isEmpty()) {
      for (String name : compiled.ofType(ResourceType.RESOURCE_TYPE_SECURITY_POLICY).keySet()) {
        NetworkSecurityPolicy nsp = policy.securityPolicies().get(name);
        if (nsp.getRulesList().stream()
            .anyMatch(r -> r.getMatch().getClientMarathonAppsCount() > 0)) {
          newSecurityPolicies.add(versions.versioned(ConfigCompiler.securityPolicy(nsp, apps)));
        }
      }
    }
    Map<ResourceType, List<Resource>> replacements = new EnumMap<>(ResourceType.class);
    replacements.put(ResourceType.RESOURCE_TYPE_POOL, newPools);
    replacements.put(ResourceType.RESOURCE_TYPE_SECURITY_POLICY, newSecurityPolicies);
    return compiled.with(replacements);
  }

  private static boolean appChanged(Pool pool, AppView before, AppView apps) {
    if (!pool.hasMarathonApp()) {
      return false;
    }
    String framework = pool.getMarathonApp().getMarathonFramework();
    String appId = pool.getMarathonApp().getAppId();
    return apps.app(framework, appId) != before.app(framework, appId);
  }

  /** The names of the pools whose members are the apps of {@code appKeys}. */
  private List<String> poolsOf(PolicyView policy, Set<String> appKeys) {
    if (indexed != policy) {
      Map<String, List<String>> index = new HashMap<>();
      for (Pool pool : policy.pools().values()) {
        if (pool.hasMarathonApp()) {
          index
              .computeIfAbsent(
                  AppView.key(
                      pool.getMarathonApp().getMarathonFramework(),
                      pool.getMarathonApp().getAppId()),
                  k -> new ArrayList<>())
              .add(pool.getMeta().getName());
        }
      }
      poolsByApp = index;
      indexed = policy;
    }
    List<String> names = new ArrayList<>();
    appKeys.forEach(key -> names.addAll(poolsByApp.getOrDefault(key, List.of())));
    return names;
  }
}
