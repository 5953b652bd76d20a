package io.gatehouse.engine.platform;

import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.SeManagerProcess;
import io.gatehouse.testsupport.ServiceJar;
import io.gatehouse.testsupport.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole control plane around one engine, every piece a real process, shared by the platform
 * tests of this JVM (each brings apps of its own): marathon-sim with 2 agents, policy-svc,
 * discovery-svc (following Marathon and the Mesos master), se-manager-svc, analytics-svc (its
 * autoscaler on) and a service engine under the manager's control that reports to analytics.
 * Started by the first test to ask, stopped when the JVM ends.
 */
final class EnginePlatform {
  static final Duration WAIT = Duration.ofSeconds(120);
  static final String OPERATOR = PolicyServiceProcess.OPERATOR;
  private static final String ANALYTICS_AT_DISCOVERY = "test-analytics-token-0001";
  private static EnginePlatform shared;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final int marathonPort;
  private int adminPort;
  private SeManagerProcess manager;
  private ManagedChannel policy;
  private ManagedChannel analytics;

  private EnginePlatform() {
    this.marathonPort = ServiceJar.freePort();
  }

  /** The platform of this JVM, started now if it is not running. */
  static synchronized EnginePlatform shared() throws Exception {
    if (shared == null) {
      EnginePlatform platform = new EnginePlatform();
      Runtime.getRuntime().addShutdownHook(new Thread(platform::stop, "engine-platform-stop"));
      platform.start();
      shared = platform;
    }
    return shared;
  }

  String marathonUrl() {
    return "http://127.0.0.1:" + marathonPort;
  }

  /** The engine's admin port (metrics, health), on loopback. */
  int engineAdminPort() {
    return adminPort;
  }

  /** se-manager-svc's management port (metrics, health). */
  int managerManagementPort() {
    return manager.managementPort();
  }

  ManagedChannel policy() {
    return policy;
  }

  ManagedChannel analytics() {
    return analytics;
  }

  private void start() throws Exception {
    PolicyServiceProcess policySvc = PolicyServiceProcess.start();
    closeables.add(policySvc);
    int mesos = ServiceJar.freePort();
    int discovery = ServiceJar.freePort();
    int analyticsPort = ServiceJar.freePort();
    Path sandboxes = Files.createTempDirectory("engine-platform");
    start(
        "marathon-sim",
        List.of(
            "--http_port=" + marathonPort,
            "--mesos_port=" + mesos,
            "--agents=2",
            "--sandboxes=" + sandboxes),
        Map.of(),
        marathonPort);
    start(
        "discovery-svc",
        List.of(
            "--grpc.server.port=" + discovery,
            "--micronaut.server.port=" + ServiceJar.freePort(),
            "--gatehouse.discovery.marathons.default.url=" + marathonUrl(),
            "--gatehouse.discovery.policy.target=" + policySvc.target(),
            "--gatehouse.discovery.policy.coalesce=100ms",
            "--gatehouse.discovery.mesos.url=http://127.0.0.1:" + mesos,
            "--gatehouse.discovery.mesos.poll-interval=500ms"),
        Map.of(
            "GATEHOUSE_DISCOVERY_AUTH_OPERATOR_TOKENS",
            OPERATOR,
            "GATEHOUSE_DISCOVERY_AUTH_SE_MANAGER_TOKEN",
            PolicyServiceProcess.SE_MANAGER,
            "GATEHOUSE_DISCOVERY_AUTH_ANALYTICS_TOKEN",
            ANALYTICS_AT_DISCOVERY,
            "GATEHOUSE_DISCOVERY_POLICY_TOKEN",
            PolicyServiceProcess.DISCOVERY),
        discovery);
    manager =
        SeManagerProcess.start(
            policySvc.target(),
            "127.0.0.1:" + discovery,
            List.of("--gatehouse.semanager.policy.east-west-address=127.0.0.1"));
    closeables.add(manager);
    TestPostgres.Database db = TestPostgres.freshDatabase();
    start(
        "analytics-svc",
        List.of(
            "--grpc.server.port=" + analyticsPort,
            "--micronaut.server.port=" + ServiceJar.freePort(),
            "--datasources.default.url=" + db.jdbcUrl(),
            "--datasources.default.username=" + db.user(),
            "--datasources.default.password=" + db.password(),
            "--gatehouse.analytics.rollup.interval=500ms",
            "--gatehouse.analytics.autoscale.enabled=true",
            "--gatehouse.analytics.autoscale.interval=1s",
            "--gatehouse.analytics.autoscale.policy-target=" + policySvc.target(),
            "--gatehouse.analytics.discovery.target=127.0.0.1:" + discovery,
            "--gatehouse.analytics.discovery.refresh=500ms"),
        Map.of(
            "GATEHOUSE_ANALYTICS_AUTH_OPERATOR_TOKENS",
            OPERATOR,
            "GATEHOUSE_ANALYTICS_AUTH_ENGINE_TOKENS",
            SeManagerProcess.ENGINE,
            "GATEHOUSE_ANALYTICS_AUTOSCALE_POLICY_TOKEN",
            PolicyServiceProcess.ANALYTICS,
            "GATEHOUSE_ANALYTICS_DISCOVERY_TOKEN",
            ANALYTICS_AT_DISCOVERY),
        analyticsPort);
    adminPort = ServiceJar.freePort();
    start(
        "service-engine",
        List.of(
            "--control=" + manager.target(),
            "--analytics=127.0.0.1:" + analyticsPort,
            "--control-plaintext",
            "--se-id=se-platform",
            "--admin=127.0.0.1:" + adminPort),
        Map.of("GATEHOUSE_SE_TOKEN", SeManagerProcess.ENGINE),
        adminPort);
    policy = NettyChannelBuilder.forTarget(policySvc.target()).usePlaintext().build();
    analytics = NettyChannelBuilder.forTarget("127.0.0.1:" + analyticsPort).usePlaintext().build();
    closeables.add(policy::shutdownNow);
    closeables.add(analytics::shutdownNow);
  }

  private void start(String module, List<String> args, Map<String, String> env, int port) {
    ServiceJar jar = ServiceJar.start(module, args, ServiceJar.plaintext(env));
    closeables.add(jar);
    jar.awaitPort(port, WAIT);
  }

  private void stop() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        // the JVM is ending: what did not stop is ended with it
      }
    }
  }
}
