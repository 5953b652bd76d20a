package io.gatehouse.policy.watch;

import io.gatehouse.policy.store.Change;
import io.gatehouse.policy.store.ChangeLog;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the change log. One connection LISTENs for new revisions; on each notification (and every
 * poll interval, in case one was missed) the feed reads the changes after the newest it holds into
 * the {@link ChangeRing} and wakes the watchers. When the database goes away it reconnects with
 * capped exponential backoff and catches up by revision, so watchers lose nothing.
 */
@Context
public final class ChangeFeed {
  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
  private static final int READ_BATCH = 1000;

  private final DataSource dataSource;
  private final ChangeLog changeLog;
  private final WatchConfig config;
  private final Set<Runnable> subscribers = new CopyOnWriteArraySet<>();
  private final Thread thread;
  private volatile ChangeRing ring;
  private volatile boolean running = true;
  private volatile boolean connected;

  /** The longest the feed waits for a notification before it looks whether it should stop. */
  private static final Duration WAIT_SLICE = Duration.ofMillis(250);

  public ChangeFeed(DataSource dataSource, ChangeLog changeLog, WatchConfig config) {
    this.dataSource = dataSource;
    this.changeLog = changeLog;
    this.config = config;
    this.thread = new Thread(this::run, "policy-change-feed");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** The ring, once the feed has read the starting revision. */
  ChangeRing ring() {
    return ring;
  }

  /** Whether the feed's connection is up. */
  public boolean connected() {
    return connected;
  }

  /** Calls {@code subscriber} (quickly, without blocking) whenever new changes arrived. */
  void subscribe(Runnable subscriber) {
    subscribers.add(subscriber);
  }

  void unsubscribe(Runnable subscriber) {
    subscribers.remove(subscriber);
  }

  @PreDestroy
  void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(Duration.ofSeconds(5).toMillis());
  }

  private void run() {
    int failures = 0;
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
          st.execute("LISTEN " + ChangeLog.CHANNEL);
        }
        if (ring == null) {
          ring = new ChangeRing(config.ringCapacity(), changeLog.currentRevision(connection));
        }
        connected = true;
        if (failures > 0) {
          log.info("change feed reconnected after {} failed attempts; catching up", failures);
        }
        failures = 0;
        long lastWake = System.nanoTime();
        long lastRead = System.nanoTime();
        boolean changed = catchUp(connection);
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
          // Wake watchers on new changes, and every progress interval so idle ones can report
          // the current revision.
          if (changed || System.nanoTime() - lastWake >= config.progressInterval().toNanos()) {
            subscribers.forEach(Runnable::run);
            lastWake = System.nanoTime();
          }
          // waits in short slices (a socket read an interrupt does not end), so a stopping
          // service is not held up for a whole poll interval
          PGNotification[] notifications =
              pg.getNotifications(
                  (int) Math.min(WAIT_SLICE.toMillis(), config.pollInterval().toMillis()));
          boolean notified = notifications != null && notifications.length > 0;
          if (notified && log.isTraceEnabled()) {
            log.trace("change feed: {} notifications", notifications.length);
          }
          changed = false;
          if (notified || System.nanoTime() - lastRead >= config.pollInterval().toNanos()) {
            changed = catchUp(connection); // on a notification, and on every poll interval
            lastRead = System.nanoTime();
          }
        }
      } catch (SQLException | RuntimeException e) {
        connected = false;
        if (!running) {
          return;
        }
        failures++;
        log.warn("change feed lost its database connection ({}); retrying", e.getMessage());
        if (!pause(backoff(failures))) {
          return;
        }
      }
    }
  }

  private boolean catchUp(Connection connection) throws SQLException {
    boolean any = false;
    while (true) {
      List<Change> changes = changeLog.changesAfter(connection, ring.latest(), READ_BATCH);
      changes.forEach(ring::append);
      any |= !changes.isEmpty();
      if (changes.size() < READ_BATCH) {
        return any;
      }
    }
  }

  private Duration backoff(int failures) {
    long capMillis = config.reconnectBackoffMax().toMillis();
    long base = Math.min(capMillis, 100L << Math.min(failures, 10));
    return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
  }

  private boolean pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis()); // the feed's own thread; nothing else waits on it
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
