package io.gatehouse.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Two PostgreSQL servers of a test's own in streaming replication, as an operator runs them for a
 * highly available database: a primary and a hot standby that replays its WAL. The test stops the
 * primary and promotes the standby, and the clients — given both hosts, primary first, with {@code
 * targetServerType=primary} — must find the new primary by themselves.
 *
 * <p>The standby is made the plain way, without {@code pg_basebackup} (the embedded binaries have
 * none): a copy of the primary's data directory taken while it is cleanly stopped, with {@code
 * standby.signal} and {@code primary_conninfo}.
 */
public final class ReplicatedPostgres implements AutoCloseable {
  private static final Set<String> NOT_COPIED = Set.of("postmaster.pid", "epg-lock");

  private final Path primaryDirectory;
  private final Path standbyDirectory;
  private final int primaryPort;
  private final int standbyPort;
  private EmbeddedPostgres primary;
  private EmbeddedPostgres standby;

  private ReplicatedPostgres(Path root) {
    this.primaryDirectory = root.resolve("primary");
    this.standbyDirectory = root.resolve("standby");
    this.primaryPort = ServiceJar.freePort();
    int port = ServiceJar.freePort();
    while (port == primaryPort) {
      port = ServiceJar.freePort();
    }
    this.standbyPort = port;
  }

  /** A primary with database {@code name} and its standby, both serving. */
  public static ReplicatedPostgres start(String name) {
    try {
      ReplicatedPostgres pair =
          new ReplicatedPostgres(Files.createTempDirectory("gatehouse-pg-pair-"));
      pair.primary = server(pair.primaryDirectory, pair.primaryPort);
      try (Connection c =
              DriverManager.getConnection(pair.url(pair.primaryPort, "postgres"), "postgres", "");
          Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + name);
      }
      pair.primary.close(); // a clean stop: the copy below is a consistent base backup
      copy(pair.primaryDirectory, pair.standbyDirectory);
      Files.writeString(pair.standbyDirectory.resolve("standby.signal"), "");
      Files.writeString(
          pair.standbyDirectory.resolve("postgresql.auto.conf"),
          "primary_conninfo = 'host=localhost port="
              + pair.primaryPort
              + " user=postgres application_name=standby'\n",
          StandardOpenOption.APPEND);
      pair.primary = server(pair.primaryDirectory, pair.primaryPort);
      pair.standby = server(pair.standbyDirectory, pair.standbyPort);
      return pair;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The JDBC URL clients are given: both hosts, the primary first, connecting to whichever is the
   * primary now.
   */
  public String jdbcUrl(String name) {
    return "jdbc:postgresql://localhost:"
        + primaryPort
        + ",localhost:"
        + standbyPort
        + "/"
        + name
        + "?targetServerType=primary";
  }

  /** Whether the standby has replayed everything the primary has written so far. */
  public boolean standbyCaughtUp() {
    try (Connection p = DriverManager.getConnection(url(primaryPort, "postgres"), "postgres", "");
        Statement ps = p.createStatement();
        ResultSet sent =
            ps.executeQuery(
                "SELECT count(*) FROM pg_stat_replication"
                    + " WHERE replay_lsn >= pg_current_wal_lsn()")) {
      sent.next();
      return sent.getLong(1) == 1;
    } catch (SQLException e) {
      return false;
    }
  }

  /** Stops the primary (fast shutdown: its connections end), as when its machine goes. */
  public synchronized void stopPrimary() {
    close(primary);
    primary = null;
  }

  /** Makes the standby the primary, as an operator or a failover manager does. */
  public void promoteStandby() {
    try (Connection c = DriverManager.getConnection(url(standbyPort, "postgres"), "postgres", "");
        Statement st = c.createStatement();
        ResultSet promoted = st.executeQuery("SELECT pg_promote(true, 60)")) {
      promoted.next();
      if (!promoted.getBoolean(1)) {
        throw new IllegalStateException("the standby was not promoted within 60 s");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    close(standby);
    close(primary);
    standby = null;
    primary = null;
  }

  private String url(int port, String name) {
    return "jdbc:postgresql://localhost:" + port + "/" + name;
  }

  private static EmbeddedPostgres server(Path dataDirectory, int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  private static void close(EmbeddedPostgres server) {
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
        if (NOT_COPIED.contains(file.getFileName().toString())) {
          continue;
        }
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
          // PostgreSQL refuses a data directory others may read
          Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(file));
        } else {
          Files.copy(file, target);
        }
      }
    }
  }
}
