package io.gatehouse.discovery.apps;

import io.gatehouse.discovery.marathon.MarathonApp;
import io.gatehouse.discovery.marathon.MarathonTask;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The apps of one Marathon as last seen, with a revision that increases on every change and a
 * bounded history of deltas, so a watcher can resume from a revision or, when it is older than the
 * history, start again from a snapshot. Listeners are told of each delta; they must not block.
 */
public final class AppModel {
  /** A change at one revision. Removed tasks travel alone, so endpoint removals are small. */
  public record Delta(
      long revision,
      List<MarathonApp> upserted,
      List<String> removedApps,
      List<TaskRemoval> removedTasks,
      Instant causeTime) {}

  /** A task that must get no new traffic. */
  public record TaskRemoval(String appId, String taskId) {}

  /** Every app at one revision. */
  public record Snapshot(long revision, List<MarathonApp> apps) {}

  private final Map<String, MarathonApp> apps = new TreeMap<>();
  private final Deque<Delta> history = new ArrayDeque<>();
  private final int historyLimit;
  private final Set<Runnable> listeners = new CopyOnWriteArraySet<>();
  private long revision;

  public AppModel(int historyLimit) {
    this.historyLimit = historyLimit;
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(revision, List.copyOf(apps.values()));
  }

  public synchronized MarathonApp app(String id) {
    return apps.get(id);
  }

  public synchronized long revision() {
    return revision;
  }

  /** The deltas after {@code from}, or null when the history no longer reaches back that far. */
  public synchronized List<Delta> since(long from) {
    if (from == revision) {
      return List.of();
    }
    if (from > revision || history.isEmpty() || history.peekFirst().revision() > from + 1) {
      return null;
    }
    // the history holds consecutive revisions: only its tail is new, read from the end (a watcher
    // asking on every change would otherwise walk the whole history each time)
    java.util.ArrayList<Delta> newer = new java.util.ArrayList<>((int) (revision - from));
    for (java.util.Iterator<Delta> it = history.descendingIterator(); it.hasNext(); ) {
      Delta delta = it.next();
      if (delta.revision() <= from) {
        break;
      }
      newer.add(delta);
    }
    java.util.Collections.reverse(newer);
    return newer;
  }

  /** Replaces every app (a full sync); only what differs becomes a delta. */
  public void replaceAll(List<MarathonApp> current, Instant cause) {
    synchronized (this) {
      Map<String, MarathonApp> next = new TreeMap<>();
      current.forEach(app -> next.put(app.id(), app));
      List<MarathonApp> upserted = new ArrayList<>();
      for (MarathonApp app : next.values()) {
        if (!app.equals(apps.get(app.id()))) {
          upserted.add(app);
        }
      }
      List<String> removed = apps.keySet().stream().filter(id -> !next.containsKey(id)).toList();
      if (upserted.isEmpty() && removed.isEmpty()) {
        return;
      }
      apps.clear();
      apps.putAll(next);
      record(upserted, removed, List.of(), cause);
    }
    notifyListeners();
  }

  /** Stores one app as fetched. */
  public void upsert(MarathonApp app, Instant cause) {
    synchronized (this) {
      if (app.equals(apps.get(app.id()))) {
        return;
      }
      apps.put(app.id(), app);
      record(List.of(app), List.of(), List.of(), cause);
    }
    notifyListeners();
  }

  /** Forgets an app. */
  public void remove(String appId, Instant cause) {
    synchronized (this) {
      if (apps.remove(appId) == null) {
        return;
      }
      record(List.of(), List.of(appId), List.of(), cause);
    }
    notifyListeners();
  }

  /** Drops one task at once (it is being killed, failed or lost). */
  public void removeTask(String appId, String taskId, Instant cause) {
    synchronized (this) {
      MarathonApp app = apps.get(appId);
      if (app == null || app.tasks().stream().noneMatch(t -> t.id().equals(taskId))) {
        return;
      }
      List<MarathonTask> remaining =
          app.tasks().stream().filter(t -> !t.id().equals(taskId)).toList();
      apps.put(appId, app.withTasks(remaining));
      record(List.of(), List.of(), List.of(new TaskRemoval(appId, taskId)), cause);
    }
    notifyListeners();
  }

  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  public void removeListener(Runnable listener) {
    listeners.remove(listener);
  }

  private void record(
      List<MarathonApp> upserted, List<String> removed, List<TaskRemoval> tasks, Instant cause) {
    revision++;
    history.addLast(
        new Delta(
            revision, List.copyOf(upserted), List.copyOf(removed), List.copyOf(tasks), cause));
    while (history.size() > historyLimit) {
      history.removeFirst();
    }
  }

  private void notifyListeners() {
    listeners.forEach(Runnable::run);
  }
}
