package io.gatehouse.engine.control;

import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ResourceUpdate;
import io.gatehouse.api.semanager.v1.ResourceVersion;
import io.gatehouse.engine.config.CertificateConfig;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.InvalidConfigException;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.config.SecurityPolicyConfig;
import io.gatehouse.engine.config.VirtualServiceConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The pushed resources an engine runs, as last applied, and how an update changes them: the
 * resources of the update are tried together with everything else; a resource that cannot be
 * translated, or that the configuration's validation blames, is rejected and keeps its last good
 * version (or stays absent), and the rest is applied. When validation blames a resource the update
 * did not touch, the update as a whole is rejected. Confined to the control thread.
 */
final class ResourceState {
  /** What an update came to: the versions applied and the resources rejected, with why. */
  record Outcome(List<ResourceVersion> applied, List<Rejection> rejected) {}

  /** A rejected resource version, why, and the version kept instead ("" when none). */
  record Rejection(ResourceVersion resource, String error, String lastGoodVersion) {}

  private record Key(ResourceType type, String name) {}

  private Map<ResourceType, Map<String, Resource>> applied = new EnumMap<>(ResourceType.class);

  /** The versions applied now, for the hello after a reconnect. */
  List<ResourceVersion> versions() {
    List<ResourceVersion> versions = new ArrayList<>();
    applied.forEach(
        (type, byName) ->
            byName
                .values()
                .forEach(
                    r ->
                        versions.add(
                            ResourceVersion.newBuilder()
                                .setType(type)
                                .setName(r.getName())
                                .setVersion(r.getVersion())
                                .build())));
    return versions;
  }

  /**
   * The pool update an endpoint update stands for: the pool as applied, without the removed
   * endpoints, at the new version; null when this engine does not run the base version (the manager
   * then gets a NACK and sends the whole pool with its next change).
   */
  ResourceUpdate expand(io.gatehouse.api.semanager.v1.EndpointUpdate update) {
    Resource pool =
        applied.getOrDefault(ResourceType.RESOURCE_TYPE_POOL, Map.of()).get(update.getPool());
    if (pool == null
        || !pool.getVersion().equals(update.getBaseVersion())
        || update.getUpsertedCount() > 0) {
      return null;
    }
    java.util.Set<String> removed = new java.util.HashSet<>(update.getRemovedList());
    var endpoints =
        pool.getPool().getEndpointsList().stream()
            .filter(e -> !removed.contains(e.getId()))
            .toList();
    Resource next =
        pool.toBuilder()
            .setVersion(update.getVersion())
            .setPool(pool.getPool().toBuilder().clearEndpoints().addAllEndpoints(endpoints))
            .build();
    return ResourceUpdate.newBuilder()
        .setNonce(update.getNonce())
        .setType(ResourceType.RESOURCE_TYPE_POOL)
        .addResources(next)
        .build();
  }

  /**
   * Applies {@code update} through {@code engine} (which applies a configuration and answers the
   * virtual services that failed, with why).
   */
  Outcome apply(ResourceUpdate update, Function<EngineConfig, Map<String, String>> engine) {
    ResourceType type = update.getType();
    Map<String, Resource> before = applied.getOrDefault(type, Map.of());
    Map<String, Resource> proposed = new TreeMap<>(update.getFullState() ? Map.of() : before);
    update.getRemovedList().forEach(proposed::remove);
    Map<String, Resource> incoming = new LinkedHashMap<>();
    update.getResourcesList().forEach(r -> incoming.put(r.getName(), r));
    proposed.putAll(incoming);

    Map<String, String> rejected = new LinkedHashMap<>();
    EngineConfig config = null;
    for (int attempt = 0; attempt < 8 && config == null; attempt++) {
      Map<ResourceType, Map<String, Resource>> candidate = new EnumMap<>(applied);
      candidate.put(type, proposed);
      try {
        config = translate(candidate).validate();
      } catch (Blamed blamed) {
        if (!incoming.containsKey(blamed.key.name()) || blamed.key.type() != type) {
          return rejectAll(update, before, blamed.getMessage());
        }
        reject(blamed.key.name(), blamed.getMessage(), before, proposed, rejected);
      } catch (InvalidConfigException invalid) {
        boolean blamedSomething = false;
        for (InvalidConfigException.Violation violation : invalid.violations()) {
          Key key = blame(violation.field());
          if (key == null || key.type() != type || !incoming.containsKey(key.name())) {
            return rejectAll(update, before, invalid.getMessage());
          }
          reject(key.name(), violation.toString(), before, proposed, rejected);
          blamedSomething = true;
        }
        if (!blamedSomething) {
          return rejectAll(update, before, invalid.getMessage());
        }
      }
    }
    if (config == null) {
      return rejectAll(update, before, "the update does not settle into a valid configuration");
    }
    Map<String, String> failed = engine.apply(config);
    if (type == ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE) {
      failed.forEach(
          (vs, why) -> {
            if (incoming.containsKey(vs)) {
              rejected.put(vs, why); // its listeners stayed as they were
              if (before.containsKey(vs)) {
                proposed.put(vs, before.get(vs));
              } else {
                proposed.remove(vs);
              }
            }
          });
    }
    applied.put(type, proposed);
    return outcome(type, incoming, rejected, before);
  }

  private static void reject(
      String name,
      String why,
      Map<String, Resource> before,
      Map<String, Resource> proposed,
      Map<String, String> rejected) {
    rejected.put(name, why);
    if (before.containsKey(name)) {
      proposed.put(name, before.get(name));
    } else {
      proposed.remove(name);
    }
  }

  private Outcome rejectAll(ResourceUpdate update, Map<String, Resource> before, String why) {
    List<Rejection> rejections = new ArrayList<>();
    for (Resource resource : update.getResourcesList()) {
      Resource kept = before.get(resource.getName());
      rejections.add(
          new Rejection(
              version(update.getType(), resource), why, kept == null ? "" : kept.getVersion()));
    }
    return new Outcome(List.of(), rejections);
  }

  private static Outcome outcome(
      ResourceType type,
      Map<String, Resource> incoming,
      Map<String, String> rejected,
      Map<String, Resource> before) {
    List<ResourceVersion> applied = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    incoming.forEach(
        (name, resource) -> {
          if (rejected.containsKey(name)) {
            Resource kept = before.get(name);
            rejections.add(
                new Rejection(
                    version(type, resource),
                    rejected.get(name),
                    kept == null ? "" : kept.getVersion()));
          } else {
            applied.add(version(type, resource));
          }
        });
    return new Outcome(applied, rejections);
  }

  private static ResourceVersion version(ResourceType type, Resource resource) {
    return ResourceVersion.newBuilder()
        .setType(type)
        .setName(resource.getName())
        .setVersion(resource.getVersion())
        .build();
  }

  /** The resource a violation's field names ("pools.web.endpoints[0].port" → pool "web"). */
  private static Key blame(String field) {
    String[][] prefixes = {
      {"virtual_services.", "VIRTUAL_SERVICE"},
      {"pools.", "POOL"},
      {"security_policies.", "SECURITY_POLICY"},
      {"certificates.", "CERTIFICATE"}
    };
    for (String[] prefix : prefixes) {
      if (field.startsWith(prefix[0])) {
        String rest = field.substring(prefix[0].length());
        int end = rest.indexOf('.');
        int bracket = rest.indexOf('[');
        if (bracket >= 0 && (end < 0 || bracket < end)) {
          end = bracket;
        }
        return new Key(
            ResourceType.valueOf("RESOURCE_TYPE_" + prefix[1]),
            end < 0 ? rest : rest.substring(0, end));
      }
    }
    return null;
  }

  /** A resource that could not be translated at all. */
  private static final class Blamed extends RuntimeException {
    final Key key;

    Blamed(Key key, String message) {
      super(message);
      this.key = key;
    }
  }

  private static EngineConfig translate(Map<ResourceType, Map<String, Resource>> resources) {
    List<CertificateConfig> certificates = new ArrayList<>();
    List<SecurityPolicyConfig> policies = new ArrayList<>();
    List<PoolConfig> pools = new ArrayList<>();
    List<VirtualServiceConfig> services = new ArrayList<>();
    resources.forEach(
        (type, byName) ->
            byName
                .values()
                .forEach(
                    r -> {
                      try {
                        switch (type) {
                          case RESOURCE_TYPE_CERTIFICATE ->
                              certificates.add(ResourceTranslator.certificate(r));
                          case RESOURCE_TYPE_SECURITY_POLICY ->
                              policies.add(ResourceTranslator.securityPolicy(r));
                          case RESOURCE_TYPE_POOL -> pools.add(ResourceTranslator.pool(r));
                          case RESOURCE_TYPE_VIRTUAL_SERVICE ->
                              services.add(ResourceTranslator.virtualService(r));
                          case RESOURCE_TYPE_UNSPECIFIED, UNRECOGNIZED ->
                              throw new IllegalArgumentException("unknown resource type " + type);
                        }
                      } catch (IllegalArgumentException | NullPointerException e) {
                        throw new Blamed(
                            new Key(type, r.getName()), r.getName() + ": " + e.getMessage());
                      }
                    }));
    return EngineConfig.of(services, pools, policies).withCertificates(certificates);
  }
}
