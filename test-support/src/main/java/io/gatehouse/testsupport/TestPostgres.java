package io.gatehouse.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real PostgreSQL server for tests: one per test JVM, with a fresh database for each caller.
 *
 * <p>The server is the first of:
 *
 * <ol>
 *   <li>an already running server named by {@code TEST_PG_URL} (or {@code -Dtest.pg.url}), e.g.
 *       {@code jdbc:postgresql://127.0.0.1:55432/postgres}, with {@code TEST_PG_USER} and {@code
 *       TEST_PG_PASSWORD};
 *   <li>a Testcontainers {@code postgres:17-alpine} container, when a Docker engine answers (skip
 *       the check with {@code TEST_PG_NO_DOCKER=true});
 *   <li>an embedded PostgreSQL 17 (zonky): real server binaries from Maven Central, started in a
 *       temporary folder; as root it runs in a user namespace, since PostgreSQL refuses root.
 * </ol>
 *
 * <p>Never a mock and never another database engine: the SQL under test is PostgreSQL's.
 */
public final class TestPostgres {
  private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);
  private static final String IMAGE = "postgres:17-alpine";

  /** Where the server runs and how to log in as its superuser. */
  public record Server(String host, int port, String user, String password, String source) {
    /** The JDBC URL of database {@code name} on this server. */
    public String jdbcUrl(String name) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }
  }

  /** A database of its own on the shared server. */
  public record Database(String name, String jdbcUrl, String user, String password) {
    /** Opens a new connection; the caller closes it. */
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** The Micronaut properties that point the default datasource at this database. */
    public Map<String, String> micronautProperties() {
      return Map.of(
          "datasources.default.url", jdbcUrl,
          "datasources.default.username", user,
          "datasources.default.password", password);
    }
  }

  private static Server server;
  private static final List<String> createdOnExternalServer = new CopyOnWriteArrayList<>();

  private TestPostgres() {}

  /** The server of this JVM, started on first use. */
  public static synchronized Server server() {
    if (server == null) {
      server = start();
      log.info("test PostgreSQL from {} at {}:{}", server.source(), server.host(), server.port());
    }
    return server;
  }

  /** Creates an empty database with a unique name on the shared server. */
  public static Database freshDatabase() {
    Server s = server();
    String name = "t_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(s.jdbcUrl("postgres"), s.user(), s.password());
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database on " + s.source(), e);
    }
    if (s.source().equals("TEST_PG_URL")) {
      createdOnExternalServer.add(name);
    }
    return new Database(name, s.jdbcUrl(name), s.user(), s.password());
  }

  private static Server start() {
    String url = setting("test.pg.url", "TEST_PG_URL");
    if (url != null) {
      Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::dropCreatedDatabases));
      return external(url);
    }
    if (!"true".equals(setting("test.pg.noDocker", "TEST_PG_NO_DOCKER"))
        && DockerClientFactory.instance().isDockerAvailable()) {
      return container();
    }
    log.info("no Docker engine answered; starting an embedded PostgreSQL");
    return embedded();
  }

  private static Server external(String url) {
    String hostPort = url.replaceFirst("^jdbc:postgresql://", "").replaceFirst("/.*$", "");
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    int port = colon < 0 ? 5432 : Integer.parseInt(hostPort.substring(colon + 1));
    String user = setting("test.pg.user", "TEST_PG_USER");
    String password = setting("test.pg.password", "TEST_PG_PASSWORD");
    return new Server(
        host,
        port,
        user == null ? "postgres" : user,
        password == null ? "" : password,
        "TEST_PG_URL");
  }

  private static Server container() {
    PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(IMAGE));
    container.start(); // Testcontainers removes it when the JVM exits
    return new Server(
        container.getHost(),
        container.getMappedPort(5432),
        container.getUsername(),
        container.getPassword(),
        "testcontainers " + IMAGE);
  }

  private static Server embedded() {
    try {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPort(ServiceJar.freePort()).start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres)));
      return new Server("localhost", postgres.getPort(), "postgres", "", "embedded PostgreSQL");
    } catch (IOException e) {
      throw new IllegalStateException(
          "no PostgreSQL for tests: the embedded server did not start (set TEST_PG_URL to use a"
              + " running server, or provide a Docker engine)",
          e);
    }
  }

  private static void dropCreatedDatabases() {
    Server s = server;
    try (Connection c = DriverManager.getConnection(s.jdbcUrl("postgres"), s.user(), s.password());
        Statement st = c.createStatement()) {
      for (String name : createdOnExternalServer) {
        st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    } catch (SQLException e) {
      log.warn("could not drop test databases on {}: {}", s.jdbcUrl("postgres"), e.getMessage());
    }
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }

  private static String setting(String property, String environment) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(environment);
    }
    return value == null || value.isBlank() ? null : value;
  }
}
