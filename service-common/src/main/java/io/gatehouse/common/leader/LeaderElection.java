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
 *
 * <p>Every replica names itself on its connection (PostgreSQL's {@code application_name}), and
 * every interval each one reads who holds the lock, so any replica can say which one leads ({@link
 * #leader}), the followers included.
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
   * @param replica this replica's name, as other replicas report it ({@link Replicas#name})
   */
  public record Settings(
      String jdbcUrl,
      String user,
      String password,
      String name,
      Duration interval,
      String replica) {}

  /**
   * The prefix of an election connection's {@code application_name}; the replica's name follows.
   */
  static final String APPLICATION_NAME = "gatehouse ";

  /** PostgreSQL keeps 63 bytes of an {@code application_name}. */
  private static final int APPLICATION_NAME_BYTES = 63;

  private final Settings settings;
  private final long key;
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final Object wakeup = new Object();
  private volatile boolean leader;
  private volatile String holder = "";
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

  /** This replica's name. */
  public String replica() {
    return settings.replica();
  }

  /** Who leads this duty, as {@link #leader} tells. */
  public Leadership leadership() {
    String leading = leader();
    return new Leadership(settings.name(), leading, leading.equals(settings.replica()));
  }

  /**
   * The name of the replica that leads, as this replica saw it at its last look (at most one
   * interval ago); empty while none does or this replica cannot reach the database.
   */
  public String leader() {
    return leader ? settings.replica() : holder;
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
        holder = leader ? settings.replica() : holder();
      } catch (SQLException | RuntimeException | AssertionError e) { // drivers throw all three
        holder = "";
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
    properties.setProperty("ApplicationName", applicationName(settings.replica()));
    return DriverManager.getConnection(settings.jdbcUrl(), properties);
  }

  static String applicationName(String replica) {
    String name = APPLICATION_NAME + replica;
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= APPLICATION_NAME_BYTES) {
      return name;
    }
    // cut on a character boundary: PostgreSQL would cut the bytes, the name must stay readable
    int end = name.length();
    while (name.substring(0, end).getBytes(StandardCharsets.UTF_8).length
        > APPLICATION_NAME_BYTES) {
      end--;
    }
    return name.substring(0, end);
  }

  /**
   * Who holds the lock: the {@code application_name} of the session holding it, without the prefix;
   * empty when no session does. A bigint advisory lock shows in {@code pg_locks} as its high half
   * in {@code classid} and its low half in {@code objid}.
   */
  private String holder() throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname ="
                + " current_database())"
                + " AND l.classid::bigint = ? AND l.objid::bigint = ?")) {
      statement.setLong(1, key >>> 32);
      statement.setLong(2, key & 0xffffffffL);
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          return "";
        }
        String name = result.getString(1);
        return name != null && name.startsWith(APPLICATION_NAME)
            ? name.substring(APPLICATION_NAME.length())
            : "";
      }
    }
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
