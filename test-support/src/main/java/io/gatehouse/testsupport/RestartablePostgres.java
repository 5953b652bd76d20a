package io.gatehouse.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL server of a test's own that can be stopped and started again on the same port with
 * the same data, to test what happens to clients when the database goes away and comes back. It is
 * always an embedded server (the shared one must not be stopped).
 */
public final class RestartablePostgres implements AutoCloseable {
  private final Path dataDirectory;
  private final int port;
  private EmbeddedPostgres server;

  private RestartablePostgres(Path dataDirectory, int port) {
    this.dataDirectory = dataDirectory;
    this.port = port;
  }

  /** Starts a new server with an empty data directory and database {@code name}. */
  public static RestartablePostgres start(String name) {
    try {
      RestartablePostgres postgres =
          new RestartablePostgres(
              Files.createTempDirectory("gatehouse-pg-"), ServiceJar.freePort());
      postgres.startServer();
      try (Connection c =
              DriverManager.getConnection(postgres.jdbcUrl("postgres"), "postgres", "");
          Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + name);
      }
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JDBC URL of database {@code name}; stable across restarts. */
  public String jdbcUrl(String name) {
    return "jdbc:postgresql://localhost:" + port + "/" + name;
  }

  /** Stops the server (fast shutdown: open connections are terminated). */
  public synchronized void stop() {
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        server = null;
      }
    }
  }

  /** Starts the server again with the data it had. */
  public synchronized void restart() {
    if (server == null) {
      startServer();
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void startServer() {
    try {
      server =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              .setPort(port)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start on port " + port, e);
    }
  }
}
