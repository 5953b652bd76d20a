package io.gatehouse.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The embedded PostgreSQL of {@code gatehouse up}, run as a database should run: every commit
 * forced to disk (the embedded defaults turn fsync off), listening on loopback only, and logins by
 * password (SCRAM) alone. A data directory made by an earlier version, which trusted every local
 * login, is switched over on its first start.
 */
final class LocalPostgres implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final int port;

  private LocalPostgres(EmbeddedPostgres postgres, int port) {
    this.postgres = postgres;
    this.port = port;
  }

  /** Starts it on {@code port} with its data in {@code data}, the database gatehouse in it. */
  static LocalPostgres start(Path data, int port, String password) throws Exception {
    Files.createDirectories(data);
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setServerConfig("fsync", "on") // after the embedded -F, so it wins
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("full_page_writes", "on")
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("password_encryption", "scram-sha-256")
            .setConnectConfig("password", password)
            // stopped by Up, after the services: its own hook would stop it at once, in parallel
            // with Up's, under services that are still writing
            .setRegisterShutdownHook(false)
            .start();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'gatehouse'")) {
        if (!rs.next()) {
          st.execute("CREATE DATABASE gatehouse");
        }
      }
      // the password is base64url: nothing in it needs quoting beyond the literal's own quotes
      st.execute("ALTER ROLE postgres PASSWORD '" + password.replace("'", "''") + "'");
      if (PostgresLogins.requirePasswords(data)) {
        st.execute("SELECT pg_reload_conf()");
      }
    }
    return new LocalPostgres(postgres, port);
  }

  /** The JDBC address of the gatehouse database. */
  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/gatehouse";
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
