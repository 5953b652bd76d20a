package io.gatehouse.discovery.marathon;

import io.gatehouse.discovery.apps.AppModel;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the apps Marathon's events name, on a thread of its own so that event handling never
 * waits on HTTP: each app once however often it was asked for meanwhile, with the time of the
 * earliest event that asked. Marathon task ids are never reused, so a task seen going away is kept
 * out of every app fetched afterwards, even by a fetch that started before the event.
 */
final class AppRefetcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AppRefetcher.class);
  private static final int GONE_LIMIT = 100_000;

  private final String name;
  private final MarathonClient client;
  private final AppModel model;
  private final Thread thread;
  private volatile boolean running = true;

  /** Apps to fetch, each with the time of the earliest event that asked for it. */
  private final Map<String, Instant> refetching = new LinkedHashMap<>();

  /** Tasks that went away (killed, failed, lost...); bounded, the oldest forgotten first. */
  private final Set<String> gone =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > GONE_LIMIT;
            }
          });

  /**
   * @param name the follower's name, for logs; its thread's is {@code threadName}
   */
  AppRefetcher(String name, String threadName, MarathonClient client, AppModel model) {
    this.name = name;
    this.client = client;
    this.model = model;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Fetches each app of {@code apps}, caused by the event at its time. */
  void fetch(Map<String, Instant> apps) {
    if (apps.isEmpty()) {
      return;
    }
    synchronized (refetching) {
      apps.forEach((app, cause) -> refetching.merge(app, cause, MarathonEvent::earliest));
      refetching.notifyAll();
    }
  }

  /** The task went away: no app fetched from now on has it. */
  void gone(String taskId) {
    synchronized (gone) {
      gone.add(taskId);
    }
  }

  /** {@code app} without the tasks seen going away. */
  MarathonApp withoutGone(MarathonApp app) {
    List<MarathonTask> tasks;
    synchronized (gone) {
      tasks = app.tasks().stream().filter(t -> !gone.contains(t.id())).toList();
    }
    if (tasks.size() == app.tasks().size()) {
      return app;
    }
    return app.withTasks(tasks);
  }

  private void run() {
    while (running) {
      String appId;
      Instant cause;
      synchronized (refetching) {
        while (refetching.isEmpty() && running) {
          try {
            refetching.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (!running) {
          return;
        }
        appId = refetching.keySet().iterator().next();
        cause = refetching.remove(appId);
      }
      try {
        client
            .app(appId)
            .ifPresentOrElse(
                app -> model.upsert(withoutGone(app), cause), () -> model.remove(appId, cause));
      } catch (RuntimeException e) {
        log.debug(
            "[{}] refetching {} failed ({}); the next resync covers it",
            name,
            appId,
            e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
