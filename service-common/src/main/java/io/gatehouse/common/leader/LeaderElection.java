package io.gatehouse.common.leader;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses one leader among a service's replicas with a PostgreSQL session advisory lock: the
 * replica whose connection holds the lock leads; when that connection ends (the replica stopped,
 * crashed or lost the database), PostgreSQL releases the lock and another replica takes it.
 *
 * <p>Each replica keeps one dedicated connection (not from a pool: a session lock lives with its
 * connection). Every {@code interval} a follower tries the lock and a leader checks that its
 * connection still answers; a leader whose check fails steps down at once, before it could learn
 * whether the lock is still its own. A leader therefore stops acting within one interval of losing
 * the database; its duties must be idempotent, since the next leader may start before the old one
 * noticed.
 */
public final class LeaderElection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /**
   * Where and how to elect.
   *
   * @param jdbcUrl the database the replicas share
   * @param user database user
   * @param password database password
   * @param name the duty led (e.g. "discovery-svc/policy-writer"); replicas electing under the same
   *     name compete, different names never do
   * @param interval how often followers try and leaders check
   */
  public record Settings(
      String jdbcUrl, String user, String password, String name, Duration interval) {}

  private final Settings settings;
  private final long key;
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final Object wakeup = new Object();
  private volatile boolean leader;
  private volatile boolean running = true;
  private Connection connection;

  public LeaderElection(Settings settings) {
    this.settings = settings;
    this.key = lockKey(settings.name());
    this.thread = new Thread(this::run, "leader-election-" + settings.name());
    this.thread.setDaemon(true);
  }

  /** Calls {@code listener} with true when this replica becomes leader and false when it stops. */
  public LeaderElection onChange(Consumer<Boolean> listener) {
    listeners.add(listener);
    return this;
  }

  /**
   * Shows this replica's part in {@code /metrics} as {@code gatehouse_leader{duty="<name>"}}: 1
   * while it leads, 0 while it follows; the replica at 1 is the one to look at.
   */
  public LeaderElection reportTo(MeterRegistry registry) {
    Gauge.builder("gatehouse.leader", this, e -> e.isLeader() ? 1 : 0)
        .description("1 while this replica leads the duty, 0 while another does")
        .tag("duty", settings.name())
        .register(registry);
    return this;
  }

  public LeaderElection start() {
    thread.start();
    return this;
  }

  public boolean isLeader() {
    return leader;
  }

  public String name() {
    return settings.name();
  }

  /** The advisory lock key of a duty: the first 8 bytes of the SHA-256 of its name. */
  static long lockKey(String name) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      long key = 0;
      for (int i = 0; i < 8; i++) {
        key = (key << 8) | (digest[i] & 0xff);
      }
      return key;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private void run() {
    while (running) {
      try {
        if (connection == null) {
          connection = connect();
        }
        if (leader) {
          check();
        } else if (tryLock()) {
          change(true);
        }
      } catch (SQLException | RuntimeException | AssertionError e) { // drivers throw all three
        if (leader) {
          log.warn(
              "[{}] lost the database ({}); no longer leader", settings.name(), e.getMessage());
          change(false);
        } else {
          log.debug("[{}] cannot reach the database: {}", settings.name(), e.getMessage());
        }
        closeConnection();
      }
      await(settings.interval());
    }
    if (leader) {
      change(false);
    }
    closeConnection();
  }

  private Connection connect() throws SQLException {
    Properties properties = new Properties();
    if (settings.user() != null) {
      properties.setProperty("user", settings.user());
    }
    if (settings.password() != null) {
      properties.setProperty("password", settings.password());
    }
    int seconds = (int) Math.max(1, settings.interval().toSeconds());
    properties.setProperty("connectTimeout", String.valueOf(seconds));
    properties.setProperty("socketTimeout", String.valueOf(seconds * 2));
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", "gatehouse leader election: " + settings.name());
    return DriverManager.getConnection(settings.jdbcUrl(), properties);
  }

  private boolean tryLock() throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      statement.setLong(1, key);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getBoolean(1);
      }
    }
  }

  /** The lock is ours as long as the session lives; a failed query means it may not be. */
  private void check() throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT 1");
        ResultSet result = statement.executeQuery()) {
      result.next();
    }
  }

  private void change(boolean leading) {
    leader = leading;
    log.info("[{}] this replica {} leader", settings.name(), leading ? "is now" : "is no longer");
    for (Consumer<Boolean> listener : listeners) {
      try {
        listener.accept(leading);
      } catch (RuntimeException e) {
        log.error("[{}] leadership listener failed", settings.name(), e);
      }
    }
  }

  private void await(Duration duration) {
    synchronized (wakeup) {
      if (!running) {
        return;
      }
      try {
        wakeup.wait(duration.toMillis()); // woken early by close()
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("[{}] closing the election connection: {}", settings.name(), e.getMessage());
      }
      connection = null;
    }
  }

  /** Steps down (listeners hear false) and releases the lock by ending the session. */
  @Override
  public void close() {
    synchronized (wakeup) {
      running = false;
      wakeup.notifyAll();
    }
    try {
      thread.join(settings.interval().multipliedBy(3).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
