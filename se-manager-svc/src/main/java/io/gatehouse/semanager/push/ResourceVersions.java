package io.gatehouse.semanager.push;

import io.gatehouse.api.semanager.v1.Resource;
import java.util.HashMap;
import java.util.Map;

/**
 * Remembers the version of each resource body recently seen, so that a body compiled again
 * unchanged (most of them, on most changes) is not serialized and digested again. Entries not
 * looked up during the last two generations are dropped at the start of the next, so the memory
 * held follows the resources in use.
 */
public final class ResourceVersions {
  private static final class Entry {
    final String version;
    long usedIn;

    Entry(String version, long usedIn) {
      this.version = version;
      this.usedIn = usedIn;
    }
  }

  private final Map<Resource, Entry> byBody = new HashMap<>();
  private long generation;

  /** {@code body} (without a version) with its version set. */
  public synchronized Resource versioned(Resource body) {
    Entry entry = byBody.get(body);
    if (entry == null) {
      entry = new Entry(ResourceSet.versionOf(body), generation);
      byBody.put(body, entry);
    }
    entry.usedIn = generation;
    return body.toBuilder().setVersion(entry.version).build();
  }

  /** Starts a new generation, dropping what the last two did not use. */
  public synchronized void nextGeneration() {
    generation++;
    byBody.values().removeIf(e -> e.usedIn < generation - 2);
  }

  /** How many bodies are remembered. */
  public synchronized int size() {
    return byBody.size();
  }
}
