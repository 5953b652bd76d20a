package io.gatehouse.semanager.push;

import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.semanager.push.ConfigPush.Key;
import io.gatehouse.semanager.push.ConfigPush.Rejection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the desired configuration stands on the connected engines: per virtual service, the version
 * each engine should run and what it applied or rejected; per engine, every resource. Made from
 * what {@link ConfigPush} knows of each engine, while it holds its lock.
 */
public final class ConvergenceReport {
  /** One engine's state of a virtual service: the version it applied, and a rejection if any. */
  public record EngineState(String engine, String appliedVersion, String rejection) {}

  /**
   * Where a virtual service stands: the version its engines should run and what each applied.
   * Converged when every engine that should run it applied that version and its pool's.
   */
  public record Convergence(
      String name, String desiredVersion, List<EngineState> engines, boolean converged) {}

  /**
   * One resource of a connected engine: the version it should run, what it applied, a rejection.
   */
  public record ResourceState(
      Key key, String desiredVersion, String appliedVersion, Rejection rejection) {}

  /**
   * What is known of one connected engine.
   *
   * @param desired what it should run
   * @param applied the version of each resource it last said it applied
   * @param rejected the versions it rejected, and why
   */
  record EngineView(
      String engine, ResourceSet desired, Map<Key, String> applied, Map<Key, Rejection> rejected) {
    /** The rejection of {@code key}, while the rejected version is {@code wanted}'s. */
    Rejection rejectionOf(Key key, Resource wanted) {
      Rejection rejection = rejected.get(key);
      return rejection != null && rejection.version().equals(wanted.getVersion())
          ? rejection
          : null;
    }
  }

  private ConvergenceReport() {}

  /**
   * Every virtual service of the engines' desired states, by name: converged when every engine that
   * should run it applied its version and its pool's.
   */
  static List<Convergence> virtualServices(Collection<EngineView> engines) {
    Map<String, List<EngineState>> byService = new TreeMap<>();
    Map<String, String> desiredVersions = new HashMap<>();
    Map<String, Boolean> converged = new HashMap<>();
    for (EngineView engine : engines) {
      engine
          .desired()
          .ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE)
          .forEach(
              (name, vs) -> {
                Key key = new Key(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE, name);
                String applied = engine.applied().getOrDefault(key, "");
                Rejection rejection = engine.rejectionOf(key, vs);
                byService
                    .computeIfAbsent(name, n -> new ArrayList<>())
                    .add(
                        new EngineState(
                            engine.engine(), applied, rejection == null ? "" : rejection.error()));
                desiredVersions.putIfAbsent(name, vs.getVersion());
                converged.merge(
                    name,
                    applied.equals(vs.getVersion()) && poolApplied(engine, vs),
                    Boolean::logicalAnd);
              });
    }
    List<Convergence> result = new ArrayList<>();
    byService.forEach(
        (name, states) ->
            result.add(
                new Convergence(
                    name, desiredVersions.get(name), List.copyOf(states), converged.get(name))));
    return result;
  }

  /** Every resource {@code engine} should run, in apply order. */
  static List<ResourceState> resources(EngineView engine) {
    List<ResourceState> states = new ArrayList<>();
    for (ResourceType type : ResourceSet.APPLY_ORDER) {
      engine
          .desired()
          .ofType(type)
          .forEach(
              (name, resource) -> {
                Key key = new Key(type, name);
                states.add(
                    new ResourceState(
                        key,
                        resource.getVersion(),
                        engine.applied().getOrDefault(key, ""),
                        engine.rejectionOf(key, resource)));
              });
    }
    return states;
  }

  /** Whether {@code engine} applied the desired version of {@code vs}'s pool (if it has one). */
  private static boolean poolApplied(EngineView engine, Resource vs) {
    String pool = vs.getVirtualService().getPool();
    Resource wanted = engine.desired().ofType(ResourceType.RESOURCE_TYPE_POOL).get(pool);
    return wanted == null
        || wanted
            .getVersion()
            .equals(engine.applied().get(new Key(ResourceType.RESOURCE_TYPE_POOL, pool)));
  }
}
