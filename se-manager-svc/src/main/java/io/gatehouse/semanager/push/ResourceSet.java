package io.gatehouse.semanager.push;

import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resources an engine should run, by type and name: an immutable, internally consistent
 * snapshot. Each resource's version is a digest of its body, so a resource that did not change
 * keeps its version across snapshots and is not pushed again.
 */
public final class ResourceSet {
  /** The order an engine applies types in: a resource refers only to types before its own. */
  public static final List<ResourceType> APPLY_ORDER =
      List.of(
          ResourceType.RESOURCE_TYPE_CERTIFICATE,
          ResourceType.RESOURCE_TYPE_SECURITY_POLICY,
          ResourceType.RESOURCE_TYPE_POOL,
          ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE);

  /** The order removals go in: a pool goes only after the services that used it. */
  public static final List<ResourceType> REMOVE_ORDER =
      java.util.stream.IntStream.range(0, APPLY_ORDER.size())
          .mapToObj(i -> APPLY_ORDER.get(APPLY_ORDER.size() - 1 - i))
          .toList();

  private static final AtomicLong IDS = new AtomicLong();
  private static final ResourceSet EMPTY = new ResourceSet(new EnumMap<>(ResourceType.class));

  private final Map<ResourceType, Map<String, Resource>> byType;

  /** This set's number, unique in this process. */
  private final long id = IDS.incrementAndGet();

  /** The number of the set this one was made from by {@link #with}; 0 when none. */
  private final long base;

  /** What {@link #with} changed against that set, by type: the names upserted. */
  private final Map<ResourceType, List<String>> changedFromBase;

  private ResourceSet(Map<ResourceType, Map<String, Resource>> byType) {
    this(byType, 0, Map.of());
  }

  private ResourceSet(
      Map<ResourceType, Map<String, Resource>> byType,
      long base,
      Map<ResourceType, List<String>> changedFromBase) {
    this.byType = byType;
    this.base = base;
    this.changedFromBase = changedFromBase;
  }

  public static ResourceSet empty() {
    return EMPTY;
  }

  /**
   * A set of {@code resources} (bodies set; versions filled in from the bodies where not given, a
   * given one being {@link #versionOf} of the same body).
   */
  public static ResourceSet of(Map<ResourceType, List<Resource>> resources) {
    Map<ResourceType, Map<String, Resource>> byType = new EnumMap<>(ResourceType.class);
    resources.forEach(
        (type, list) -> {
          TreeMap<String, Resource> byName = new TreeMap<>();
          for (Resource resource : list) {
            Resource versioned =
                resource.getVersion().isEmpty()
                    ? resource.toBuilder().setVersion(versionOf(resource)).build()
                    : resource; // versioned from this body already (ResourceVersions)
            if (byName.put(resource.getName(), versioned) != null) {
              throw new IllegalArgumentException(
                  type + " " + resource.getName() + " appears twice in one snapshot");
            }
          }
          byType.put(type, Collections.unmodifiableSortedMap(byName));
        });
    return new ResourceSet(byType);
  }

  /**
   * This set with {@code replacements} (versioned resources, by type) in place of the resources of
   * their names. What does not change is shared with this set, and the new set remembers what did,
   * so that {@link #changesSince} this set looks only at that.
   */
  public ResourceSet with(Map<ResourceType, List<Resource>> replacements) {
    Map<ResourceType, Map<String, Resource>> next = new EnumMap<>(byType);
    Map<ResourceType, List<String>> changed = new EnumMap<>(ResourceType.class);
    replacements.forEach(
        (type, resources) -> {
          Map<String, Resource> now = ofType(type);
          List<String> names = new ArrayList<>();
          for (Resource resource : resources) {
            Resource old = now.get(resource.getName());
            if (old == null || !old.getVersion().equals(resource.getVersion())) {
              names.add(resource.getName());
            }
          }
          if (names.isEmpty()) {
            return; // the same map: changesSince skips the type
          }
          TreeMap<String, Resource> copy = new TreeMap<>(now);
          resources.forEach(r -> copy.put(r.getName(), r));
          next.put(type, Collections.unmodifiableSortedMap(copy));
          changed.put(type, List.copyOf(names));
        });
    return new ResourceSet(next, id, changed);
  }

  /** The resources of {@code type}, by name. */
  public Map<String, Resource> ofType(ResourceType type) {
    return byType.getOrDefault(type, Map.of());
  }

  /**
   * What differs from {@code before} to this set: per type, the resources that are new or at
   * another version, and the names that are gone.
   */
  public Changes changesSince(ResourceSet before) {
    Map<ResourceType, List<Resource>> upserted = new EnumMap<>(ResourceType.class);
    Map<ResourceType, List<String>> removed = new EnumMap<>(ResourceType.class);
    if (base == before.id) { // made from it: only what was replaced can differ
      changedFromBase.forEach(
          (type, names) -> upserted.put(type, names.stream().map(ofType(type)::get).toList()));
      return new Changes(upserted, removed);
    }
    for (ResourceType type : APPLY_ORDER) {
      Map<String, Resource> then = before.ofType(type);
      Map<String, Resource> now = ofType(type);
      if (then == now) {
        continue; // the same map: nothing of this type changed
      }
      List<Resource> changed = new ArrayList<>();
      for (Resource resource : now.values()) {
        Resource old = then.get(resource.getName());
        if (old == null || !old.getVersion().equals(resource.getVersion())) {
          changed.add(resource);
        }
      }
      List<String> gone = new ArrayList<>();
      for (String name : then.keySet()) {
        if (!now.containsKey(name)) {
          gone.add(name);
        }
      }
      upserted.put(type, changed);
      removed.put(type, gone);
    }
    return new Changes(upserted, removed);
  }

  /** The difference of two sets, by type: what to upsert and what to remove. */
  public record Changes(
      Map<ResourceType, List<Resource>> upserted, Map<ResourceType, List<String>> removed) {
    public List<Resource> upserted(ResourceType type) {
      return upserted.getOrDefault(type, List.of());
    }

    public List<String> removed(ResourceType type) {
      return removed.getOrDefault(type, List.of());
    }
  }

  /** The version a resource's body gives it: the first 16 hex digits of its SHA-256. */
  static String versionOf(Resource resource) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(resource.getName().getBytes(StandardCharsets.UTF_8));
      digest.update(resource.toBuilder().clearVersion().build().toByteArray());
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
