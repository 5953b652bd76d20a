package io.gatehouse.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * analytics-svc from its jar, on a fresh database of the test PostgreSQL: engines report with
 * {@link SeManagerProcess#ENGINE}, operators query with {@link PolicyServiceProcess#OPERATOR}. It
 * can be stopped and started again on the same port and database.
 */
public final class AnalyticsServiceProcess implements AutoCloseable {
  private final TestPostgres.Database db;
  private final int port;
  private final int managementPort;
  private final List<String> jvmArgs;
  private ServiceJar jar;

  private AnalyticsServiceProcess(
      TestPostgres.Database db, int port, int managementPort, List<String> jvmArgs) {
    this.db = db;
    this.port = port;
    this.managementPort = managementPort;
    this.jvmArgs = jvmArgs;
  }

  /** Starts analytics-svc and waits until its gRPC port answers. */
  public static AnalyticsServiceProcess start() {
    return start(List.of("-Xmx256m"));
  }

  /** As {@link #start()}, with the JVM options {@code jvmArgs}. */
  public static AnalyticsServiceProcess start(List<String> jvmArgs) {
    AnalyticsServiceProcess process =
        new AnalyticsServiceProcess(
            TestPostgres.freshDatabase(), ServiceJar.freePort(), ServiceJar.freePort(), jvmArgs);
    process.run();
    return process;
  }

  /** Its database (for benchmarks that look inside). */
  public TestPostgres.Database database() {
    return db;
  }

  /** Its resident memory now, in bytes. */
  public long residentBytes() {
    return jar.residentBytes();
  }

  private void run() {
    jar =
        ServiceJar.start(
                "analytics-svc",
                jvmArgs,
                List.of(
                    "--grpc.server.port=" + port,
                    "--micronaut.server.port=" + managementPort,
                    "--datasources.default.url=" + db.jdbcUrl(),
                    "--datasources.default.username=" + db.user(),
                    "--datasources.default.password=" + db.password()),
                ServiceJar.plaintext(
                    Map.of(
                        "GATEHOUSE_ANALYTICS_AUTH_OPERATOR_TOKENS", PolicyServiceProcess.OPERATOR,
                        "GATEHOUSE_ANALYTICS_AUTH_ENGINE_TOKENS", SeManagerProcess.ENGINE)))
            .awaitPort(port, Duration.ofSeconds(60));
  }

  /** Stops the process (its database stays). */
  public void stop() {
    jar.close();
  }

  /** Starts it again on the same port and database. */
  public void restart() {
    run();
  }

  public int port() {
    return port;
  }

  public String target() {
    return "127.0.0.1:" + port;
  }

  /** Everything it printed so far. */
  public String output() {
    return jar.output();
  }

  @Override
  public void close() {
    jar.close();
  }
}
