package io.gatehouse.discovery.mesos;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArraySet;

/** The agents as last read, with a revision that increases when they change. */
public final class AgentModel {
  /** Every agent at one revision. */
  public record Snapshot(long revision, Map<String, Agent> agents) {}

  private final Set<Runnable> listeners = new CopyOnWriteArraySet<>();
  private Snapshot current = new Snapshot(0, Map.of());

  public synchronized Snapshot snapshot() {
    return current;
  }

  /** Replaces the agents; listeners hear of it only when something differs. */
  public void replaceAll(List<Agent> agents) {
    synchronized (this) {
      Map<String, Agent> next = new TreeMap<>();
      agents.forEach(a -> next.put(a.id(), a));
      if (next.equals(current.agents())) {
        return;
      }
      current = new Snapshot(current.revision() + 1, Map.copyOf(next));
    }
    listeners.forEach(Runnable::run);
  }

  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  public void removeListener(Runnable listener) {
    listeners.remove(listener);
  }
}
