package io.gatehouse.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.discovery.apps.AppModel;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an {@link AppModel} equal to one Marathon. Each round opens {@code /v2/events} first and
 * only then reads every app (events carry no ids and Marathon replays nothing, so opening the
 * stream first is what guarantees no change falls between the two), then applies events: a task
 * being killed, failed or lost is removed at once; app-level events refetch only that app, on a
 * thread of their own (so removals never wait behind HTTP), once per app for a burst of events. A
 * diffing full resync runs every resync interval. A stream that ends, fails or stays silent past
 * the stall timeout starts a new round after a capped, jittered exponential backoff; every round
 * resyncs.
 */
public final class MarathonFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MarathonFollower.class);
  private static final MarathonEvent END = new MarathonEvent("", null);

  /** The stream's state, for status reports. */
  public enum State {
    CONNECTING,
    CONNECTED,
    BACKOFF
  }

  /** Timings of the follower. */
  public record Settings(
      Duration resyncInterval,
      Duration stallTimeout,
      Duration backoffInitial,
      Duration backoffMax) {
    /** Marathon-friendly defaults: resync every 60 s, stall after 60 s, backoff 1 s up to 30 s. */
    public static Settings defaults() {
      return new Settings(
          Duration.ofSeconds(60),
          Duration.ofSeconds(60),
          Duration.ofSeconds(1),
          Duration.ofSeconds(30));
    }
  }

  private final String name;
  private final MarathonClient client;
  private final AppModel model;
  private final Settings settings;
  private final Clock clock;
  private final Thread thread;
  private final AtomicLong eventsSinceResync = new AtomicLong();
  private final AtomicLong eventsReceived = new AtomicLong();
  private volatile boolean running = true;
  private volatile State state = State.CONNECTING;
  private volatile long syncedGeneration = -1; // the settings generation of the last full sync
  private volatile Instant connectedSince;
  private volatile Instant lastFullSync;
  private volatile Duration lastFullSyncDuration;
  private volatile String lastError;
  private volatile InputStream stream;
  private final Object settingsChanged = new Object();
  private volatile long generation; // advanced when Marathon's settings change

  private final AppRefetcher refetcher;

  public MarathonFollower(
      String name, MarathonClient client, AppModel model, Settings settings, Clock clock) {
    this.name = name;
    this.client = client;
    this.model = model;
    this.settings = settings;
    this.clock = clock;
    this.thread = new Thread(this::run, "marathon-follower-" + (name.isEmpty() ? "default" : name));
    this.thread.setDaemon(true);
    this.refetcher = new AppRefetcher(name, thread.getName() + "-refetch", client, model);
  }

  /** Starts following. */
  public MarathonFollower start() {
    thread.start();
    refetcher.start();
    return this;
  }

  public State state() {
    return state;
  }

  public Instant connectedSince() {
    return connectedSince;
  }

  /** How long the last full sync took; null before the first. */
  public Duration lastFullSyncDuration() {
    return lastFullSyncDuration;
  }

  public Instant lastFullSync() {
    return lastFullSync;
  }

  public long eventsSinceResync() {
    return eventsSinceResync.get();
  }

  /** Events received since the follower started. */
  public long eventsReceived() {
    return eventsReceived.get();
  }

  /**
   * Whether Marathon is followed, fully synced, with the client's settings as they are now (not as
   * they were before the last {@link #reconnect}).
   */
  public boolean syncedOnCurrentSettings() {
    return state == State.CONNECTED && syncedGeneration == generation;
  }

  public String lastError() {
    return lastError;
  }

  public String name() {
    return name;
  }

  public MarathonClient client() {
    return client;
  }

  private void run() {
    int failures = 0;
    while (running) {
      try {
        follow();
        failures = 0; // the stream ended after a good run: reconnect promptly
      } catch (SettingsChanged e) {
        log.info("[{}] Marathon's settings changed: following {}", name, client.baseUrl());
        failures = 0;
        lastError = null; // it was about the settings before
        continue; // at once, on the new settings (the finally block drops the old stream)
      } catch (RuntimeException | IOException e) {
        if (!running) {
          return;
        }
        failures++;
        lastError = e.getMessage();
        log.warn("[{}] following Marathon failed ({}); retrying", name, e.getMessage());
      } finally {
        connectedSince = null;
        closeStream();
      }
      if (running) {
        state = State.BACKOFF;
        pause(backoff(failures));
      }
    }
  }

  private void follow() throws IOException {
    state = State.CONNECTING;
    long followed = generation;
    InputStream events = client.events();
    stream = events;
    if (generation != followed) {
      throw new SettingsChanged();
    }
    BlockingQueue<MarathonEvent> queue = new LinkedBlockingQueue<>();
    AtomicLong lastActivity = new AtomicLong(System.nanoTime());
    Thread reader =
        new Thread(
            () -> {
              try {
                EventStreamReader.read(
                    events,
                    new EventStreamReader.Listener() {
                      @Override
                      public void onEvent(MarathonEvent event) {
                        queue.add(event);
                      }

                      @Override
                      public void onActivity() {
                        lastActivity.set(System.nanoTime());
                      }
                    });
              } catch (IOException e) {
                log.debug("[{}] event stream read ended: {}", name, e.getMessage());
              } finally {
                queue.add(END);
              }
            },
            thread.getName() + "-reader");
    reader.setDaemon(true);
    reader.start();

    fullSync();
    state = State.CONNECTED;
    syncedGeneration = followed;
    connectedSince = clock.instant();
    lastError = null;
    log.info("[{}] following {} ({} apps)", name, client.baseUrl(), model.snapshot().apps().size());
    while (running) {
      MarathonEvent first = poll(queue);
      if (generation != followed) {
        throw new SettingsChanged();
      }
      if (first == END) {
        throw new IOException("event stream ended");
      }
      if (first != null) {
        handleBurst(first, queue);
      }
      if (System.nanoTime() - lastActivity.get() > settings.stallTimeout().toNanos()) {
        throw new IOException("event stream silent for " + settings.stallTimeout());
      }
      if (lastFullSync == null
          || clock.instant().isAfter(lastFullSync.plus(settings.resyncInterval()))) {
        fullSync();
      }
    }
  }

  /** Applies an event and every event already queued behind it; each app is fetched once. */
  private void handleBurst(MarathonEvent first, BlockingQueue<MarathonEvent> queue)
      throws IOException {
    Instant received = clock.instant();
    Map<String, Instant> refetch = new LinkedHashMap<>();
    MarathonEvent event = first;
    while (event != null) {
      if (event == END) {
        queue.add(END); // seen after this burst
        break;
      }
      eventsSinceResync.incrementAndGet();
      eventsReceived.incrementAndGet();
      apply(event, refetch, event.happenedAt(received));
      event = queue.poll();
    }
    refetcher.fetch(refetch);
  }

  private void apply(MarathonEvent event, Map<String, Instant> refetch, Instant cause) {
    JsonNode data = event.data();
    switch (event.type()) {
      case "status_update_event" -> {
        TaskState taskState = TaskState.of(data.path("taskStatus").asText());
        String appId = data.path("appId").asText();
        if (taskState.isGoingAway()) {
          String taskId = data.path("taskId").asText();
          refetcher.gone(taskId);
          model.removeTask(appId, taskId, cause); // the fast path
        } else if (taskState == TaskState.RUNNING) {
          refetch.putIfAbsent(appId, cause); // ports, addresses and health come with the app
        }
      }
      case "health_status_changed_event", "instance_health_changed_event" ->
          refetch.putIfAbsent(data.path("appId").asText(data.path("runSpecId").asText()), cause);
      case "api_post_event" ->
          refetch.putIfAbsent(data.path("appDefinition").path("id").asText(), cause);
      case "app_terminated_event" -> model.remove(data.path("appId").asText(), cause);
      case "deployment_info",
          "deployment_success",
          "deployment_failed",
          "deployment_step_success" -> {
        for (JsonNode step : data.path("plan").path("steps")) {
          for (JsonNode action : step.path("actions")) {
            if (action.hasNonNull("app")) {
              refetch.putIfAbsent(action.get("app").asText(), cause);
            }
          }
        }
      }
      default -> {
        // attach/detach, group, pod and framework events change no app endpoint
      }
    }
    refetch.remove("");
  }

  private void fullSync() {
    Instant started = clock.instant();
    long start = System.nanoTime();
    List<MarathonApp> apps = client.apps().stream().map(refetcher::withoutGone).toList();
    model.replaceAll(apps, started);
    lastFullSyncDuration = Duration.ofNanos(System.nanoTime() - start);
    boolean first = lastFullSync == null;
    lastFullSync = started;
    eventsSinceResync.set(0);
    if (first) {
      log.info(
          "[{}] first full sync: {} apps, {} tasks in {} ms",
          name,
          apps.size(),
          apps.stream().mapToInt(a -> a.tasks().size()).sum(),
          lastFullSyncDuration.toMillis());
    } else {
      log.debug(
          "[{}] full sync: {} apps in {} ms", name, apps.size(), lastFullSyncDuration.toMillis());
    }
  }

  private MarathonEvent poll(BlockingQueue<MarathonEvent> queue) {
    try {
      return queue.poll(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return END;
    }
  }

  private Duration backoff(int failures) {
    long cap = settings.backoffMax().toMillis();
    long base =
        Math.min(
            cap, settings.backoffInitial().toMillis() << Math.min(Math.max(failures - 1, 0), 16));
    // full jitter around the exponential step, so a fleet does not reconnect in lockstep
    return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
  }

  private void pause(Duration duration) {
    long followed = generation;
    long until = System.nanoTime() + duration.toNanos();
    try {
      synchronized (settingsChanged) { // the follower's own thread; a change of settings wakes it
        for (long left = duration.toNanos();
            left > 0 && generation == followed && running;
            left = until - System.nanoTime()) {
          TimeUnit.NANOSECONDS.timedWait(settingsChanged, left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Why a follow ended: Marathon's settings changed under it (not a failure). */
  private static final class SettingsChanged extends IOException {
    SettingsChanged() {
      super("Marathon's settings changed", null);
    }
  }

  /**
   * Follows Marathon anew, as its client is now set: the event stream is dropped and a full sync
   * made on the new one. Until that sync succeeds, the apps of the last one are kept.
   */
  public void reconnect() {
    synchronized (settingsChanged) {
      generation++;
      settingsChanged.notifyAll();
    }
    closeStream();
  }

  private void closeStream() {
    InputStream s = stream;
    stream = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        log.debug("[{}] closing the event stream: {}", name, e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    running = false;
    closeStream();
    thread.interrupt();
    refetcher.close();
  }
}
