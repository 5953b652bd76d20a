package io.gatehouse.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * se-manager-svc from its jar, on a fresh database of the test PostgreSQL, with the tokens the
 * cross-service tests use: engines connect with {@link #ENGINE}, operators with {@link
 * PolicyServiceProcess#OPERATOR}, and it reads policy-svc (and discovery-svc) with {@link
 * PolicyServiceProcess#SE_MANAGER}.
 */
public final class SeManagerProcess implements AutoCloseable {
  public static final String ENGINE = "test-engine-token-0001";

  private final ServiceJar jar;
  private final int port;
  private final int managementPort;

  private SeManagerProcess(ServiceJar jar, int port, int managementPort) {
    this.jar = jar;
    this.port = port;
    this.managementPort = managementPort;
  }

  /**
   * Starts se-manager-svc following policy-svc at {@code policyTarget} (and discovery-svc at {@code
   * discoveryTarget} unless null), with {@code extraArgs}, and waits until its gRPC port answers.
   */
  public static SeManagerProcess start(
      String policyTarget, String discoveryTarget, List<String> extraArgs) {
    return start(List.of("-Xmx256m"), policyTarget, discoveryTarget, extraArgs);
  }

  /** As {@link #start(String, String, List)}, with the JVM options {@code jvmArgs}. */
  public static SeManagerProcess start(
      List<String> jvmArgs, String policyTarget, String discoveryTarget, List<String> extraArgs) {
    TestPostgres.Database db = TestPostgres.freshDatabase();
    int port = ServiceJar.freePort();
    int managementPort = ServiceJar.freePort();
    List<String> args = new ArrayList<>();
    args.add("--grpc.server.port=" + port);
    args.add("--micronaut.server.port=" + managementPort);
    args.add("--datasources.default.url=" + db.jdbcUrl());
    args.add("--datasources.default.username=" + db.user());
    args.add("--datasources.default.password=" + db.password());
    args.add("--gatehouse.semanager.policy.target=" + policyTarget);
    if (discoveryTarget != null) {
      args.add("--gatehouse.semanager.discovery.target=" + discoveryTarget);
    }
    args.addAll(extraArgs);
    ServiceJar jar =
        ServiceJar.start(
                "se-manager-svc",
                jvmArgs,
                args,
                ServiceJar.plaintext(
                    Map.of(
                        "GATEHOUSE_SEMANAGER_AUTH_OPERATOR_TOKENS", PolicyServiceProcess.OPERATOR,
                        "GATEHOUSE_SEMANAGER_AUTH_ENGINE_TOKENS", ENGINE,
                        "GATEHOUSE_SEMANAGER_POLICY_TOKEN", PolicyServiceProcess.SE_MANAGER,
                        "GATEHOUSE_SEMANAGER_DISCOVERY_TOKEN", PolicyServiceProcess.SE_MANAGER)))
            .awaitPort(port, Duration.ofSeconds(60));
    return new SeManagerProcess(jar, port, managementPort);
  }

  /** Its gRPC port on loopback. */
  public int port() {
    return port;
  }

  /** Its gRPC address, host:port. */
  public String target() {
    return "127.0.0.1:" + port;
  }

  /** Its management HTTP port (/health, /metrics). */
  public int managementPort() {
    return managementPort;
  }

  /** Its resident memory now, in bytes. */
  public long residentBytes() {
    return jar.residentBytes();
  }

  /** The CPU time it has used so far (every thread, user and system). */
  public java.time.Duration cpuTime() {
    return jar.cpuTime();
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
