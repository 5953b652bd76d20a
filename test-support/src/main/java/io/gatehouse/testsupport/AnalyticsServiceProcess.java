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
  private final List<String> moreArgs;
  private final Map<String, String> moreEnv;
  private ServiceJar jar;

  private AnalyticsServiceProcess(
      TestPostgres.Database db,
      int port,
      int managementPort,
      List<String> jvmArgs,
      List<String> moreArgs,
      Map<String, String> moreEnv) {
    this.db = db;
    this.port = port;
    this.managementPort = managementPort;
    this.jvmArgs = jvmArgs;
    this.moreArgs = moreArgs;
    this.moreEnv = moreEnv;
  }

  /** Starts analytics-svc and waits until its gRPC port answers. */
  public static AnalyticsServiceProcess start() {
    return start(List.of("-Xmx256m"));
  }

  /** As {@link #start()}, with the JVM options {@code jvmArgs}. */
  public static AnalyticsServiceProcess start(List<String> jvmArgs) {
    return start(jvmArgs, List.of(), Map.of());
  }

  /** As {@link #start(List)}, with more arguments and environment (the autoscaler's, say). */
  public static AnalyticsServiceProcess start(
      List<String> jvmArgs, List<String> moreArgs, Map<String, String> moreEnv) {
    AnalyticsServiceProcess process =
        new AnalyticsServiceProcess(
            TestPostgres.freshDatabase(),
            ServiceJar.freePort(),
            ServiceJar.freePort(),
            jvmArgs,
            List.copyOf(moreArgs),
            Map.copyOf(moreEnv));
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
    List<String> args = new java.util.ArrayList<>();
    args.add("--grpc.server.port=" + port);
    args.add("--micronaut.server.port=" + managementPort);
    args.add("--datasources.default.url=" + db.jdbcUrl());
    args.add("--datasources.default.username=" + db.user());
    args.add("--datasources.default.password=" + db.password());
    args.addAll(moreArgs);
    Map<String, String> env = new java.util.HashMap<>(moreEnv);
    env.put("GATEHOUSE_ANALYTICS_AUTH_OPERATOR_TOKENS", PolicyServiceProcess.OPERATOR);
    env.put("GATEHOUSE_ANALYTICS_AUTH_ENGINE_TOKENS", SeManagerProcess.ENGINE);
    jar =
        ServiceJar.start("analytics-svc", jvmArgs, args, ServiceJar.plaintext(env))
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
