package io.gatehouse.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform for tests, every piece a real process from its module's jar: marathon-sim (two
 * agents, 127.0.0.2 and .3), policy-svc, discovery-svc following the simulator and writing to
 * policy-svc, se-manager-svc, and on request analytics-svc (with the autoscaler) and service
 * engines started here. The one place the platform tests start it from; {@code close()} stops every
 * process, the engines se-manager-svc started in the work directory included.
 */
public final class TestPlatform implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(120);

  /** analytics-svc's token at discovery-svc (it reads apps and scales them). */
  public static final String ANALYTICS_AT_DISCOVERY = "test-analytics-token-0001";

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Path workDir;
  private final Map<String, Integer> engineAdmins = new LinkedHashMap<>();
  private int marathonPort;
  private int discoveryPort;
  private int analyticsPort;
  private PolicyServiceProcess policy;
  private SeManagerProcess manager;

  private TestPlatform(Path workDir) {
    this.workDir = workDir;
  }

  /** What to start. */
  public static Builder builder() {
    return new Builder();
  }

  /** marathon-sim's Marathon API, {@code http://127.0.0.1:<port>}. */
  public String marathonUrl() {
    return "http://127.0.0.1:" + marathonPort;
  }

  public PolicyServiceProcess policy() {
    return policy;
  }

  public String discoveryTarget() {
    return "127.0.0.1:" + discoveryPort;
  }

  public SeManagerProcess manager() {
    return manager;
  }

  /** analytics-svc's gRPC address; fails when it was not asked for. */
  public String analyticsTarget() {
    if (analyticsPort == 0) {
      throw new IllegalStateException("this platform runs no analytics-svc");
    }
    return "127.0.0.1:" + analyticsPort;
  }

  /** The admin port of the engine started here as {@code seId}. */
  public int engineAdmin(String seId) {
    Integer port = engineAdmins.get(seId);
    if (port == null) {
      throw new IllegalArgumentException("no engine " + seId + " was started here");
    }
    return port;
  }

  /** Where the simulator's sandboxes and whatever se-manager-svc deploys locally live. */
  public Path workDir() {
    return workDir;
  }

  /** Stops every process, last started first. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        failure = failure == null ? new IllegalStateException("stopping the platform", e) : failure;
      }
    }
    // engines se-manager-svc deployed outlive it, as on a real node: they go too
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(workDir.toString()))
        .forEach(ProcessHandle::destroyForcibly);
    if (failure != null) {
      throw failure;
    }
  }

  /** What a test's platform runs. */
  public static final class Builder {
    private final List<String> managerArgs = new ArrayList<>();
    private final List<String> engines = new ArrayList<>();
    private boolean analytics;

    private Builder() {}

    /** More se-manager-svc arguments (beyond its policy and discovery targets). */
    public Builder managerArgs(List<String> args) {
      managerArgs.addAll(args);
      return this;
    }

    /** analytics-svc too, with the autoscaler on (short intervals); engines report to it. */
    public Builder analytics() {
      analytics = true;
      return this;
    }

    /** A service engine started here (not by se-manager-svc), named {@code seId}. */
    public Builder engine(String seId) {
      engines.add(seId);
      return this;
    }

    /**
     * Starts it all and waits until each process answers; what did start is stopped again when a
     * piece fails to.
     */
    public TestPlatform start() {
      TestPlatform platform;
      try {
        platform = new TestPlatform(Files.createTempDirectory("gatehouse-platform-"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        run(platform);
        return platform;
      } catch (RuntimeException | Error e) {
        platform.close();
        throw e;
      }
    }

    private void run(TestPlatform platform) {
      platform.policy = PolicyServiceProcess.start();
      platform.closeables.add(platform.policy);
      platform.marathonPort = ServiceJar.freePort();
      int mesos = ServiceJar.freePort();
      platform.start(
          "marathon-sim",
          List.of(
              "--http_port=" + platform.marathonPort,
              "--mesos_port=" + mesos,
              "--agents=2",
              // a port of its own on each agent address: another simulator may hold 5051 there
              "--agent_port=0",
              "--sandboxes=" + platform.workDir.resolve("sandboxes")),
          Map.of(),
          platform.marathonPort);
      platform.discoveryPort = ServiceJar.freePort();
      Map<String, String> discoveryEnv = new HashMap<>();
      discoveryEnv.put("GATEHOUSE_DISCOVERY_AUTH_OPERATOR_TOKENS", PolicyServiceProcess.OPERATOR);
      discoveryEnv.put(
          "GATEHOUSE_DISCOVERY_AUTH_SE_MANAGER_TOKEN", PolicyServiceProcess.SE_MANAGER);
      discoveryEnv.put("GATEHOUSE_DISCOVERY_POLICY_TOKEN", PolicyServiceProcess.DISCOVERY);
      if (analytics) {
        discoveryEnv.put("GATEHOUSE_DISCOVERY_AUTH_ANALYTICS_TOKEN", ANALYTICS_AT_DISCOVERY);
      }
      platform.start(
          "discovery-svc",
          List.of(
              "--grpc.server.port=" + platform.discoveryPort,
              "--micronaut.server.port=" + ServiceJar.freePort(),
              "--gatehouse.discovery.marathons.default.url=" + platform.marathonUrl(),
              "--gatehouse.discovery.mesos.url=http://127.0.0.1:" + mesos,
              "--gatehouse.discovery.mesos.poll-interval=500ms",
              "--gatehouse.discovery.policy.target=" + platform.policy.target(),
              "--gatehouse.discovery.policy.coalesce=100ms"),
          discoveryEnv,
          platform.discoveryPort);
      List<String> args = new ArrayList<>();
      args.add("--gatehouse.semanager.policy.east-west-address=127.0.0.1");
      args.addAll(managerArgs);
      platform.manager =
          SeManagerProcess.start(platform.policy.target(), platform.discoveryTarget(), args);
      platform.closeables.add(platform.manager);
      if (analytics) {
        startAnalytics(platform);
      }
      for (String seId : engines) {
        int admin = ServiceJar.freePort();
        List<String> engineArgs = new ArrayList<>();
        engineArgs.add("--control=" + platform.manager.target());
        if (analytics) {
          engineArgs.add("--analytics=" + platform.analyticsTarget());
        }
        engineArgs.add("--control-plaintext");
        engineArgs.add("--se-id=" + seId);
        engineArgs.add("--admin=127.0.0.1:" + admin);
        platform.start(
            "service-engine",
            engineArgs,
            Map.of("GATEHOUSE_SE_TOKEN", SeManagerProcess.ENGINE),
            admin);
        platform.engineAdmins.put(seId, admin);
      }
    }

    private static void startAnalytics(TestPlatform platform) {
      AnalyticsServiceProcess analytics =
          AnalyticsServiceProcess.start(
              List.of("-Xmx256m"),
              List.of(
                  "--gatehouse.analytics.rollup.interval=500ms",
                  "--gatehouse.analytics.autoscale.enabled=true",
                  "--gatehouse.analytics.autoscale.interval=1s",
                  "--gatehouse.analytics.autoscale.policy-target=" + platform.policy.target(),
                  "--gatehouse.analytics.discovery.target=" + platform.discoveryTarget(),
                  "--gatehouse.analytics.discovery.refresh=500ms"),
              Map.of(
                  "GATEHOUSE_ANALYTICS_AUTOSCALE_POLICY_TOKEN",
                  PolicyServiceProcess.ANALYTICS,
                  "GATEHOUSE_ANALYTICS_DISCOVERY_TOKEN",
                  ANALYTICS_AT_DISCOVERY));
      platform.closeables.add(analytics);
      platform.analyticsPort = analytics.port();
    }
  }

  private void start(String module, List<String> args, Map<String, String> env, int port) {
    ServiceJar jar = ServiceJar.start(module, args, ServiceJar.plaintext(env));
    closeables.add(jar);
    jar.awaitPort(port, WAIT);
  }
}
