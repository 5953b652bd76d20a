package io.gatehouse.engine;

import io.gatehouse.engine.admin.AdminServer;
import io.gatehouse.engine.analytics.AnalyticsReporter;
import io.gatehouse.engine.analytics.ClientLogBuffer;
import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.InvalidConfigException;
import io.gatehouse.engine.config.LastGoodConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.StaticConfigFile;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.control.ControlClient;
import io.gatehouse.engine.control.LoadMeter;
import io.gatehouse.engine.http.HttpSettings;
import io.gatehouse.engine.internal.ControlPlaneTls;
import io.gatehouse.engine.internal.EngineCredentialStore;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.limits.ResourceLimits;
import io.gatehouse.grpc.targets.GrpcTargets;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Starts a service engine from the command line. */
@Command(
    name = "service-engine",
    mixinStandardHelpOptions = true,
    description = {
      "The Gatehouse service engine: listeners, HTTP and TCP proxying, load balancing.",
      "Static mode: --config FILE, or one HTTP pool with --listen and --backend."
    })
public final class ServiceEngineMain implements Callable<Integer> {
  private static final int LOG_BUFFER = 20_000; // client logs waiting for the stream

  private static final Logger log = LoggerFactory.getLogger(ServiceEngineMain.class);

  @Option(names = "--config", paramLabel = "FILE", description = "static configuration (YAML)")
  Path config;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "quick form: one HTTP listener (with --backend)")
  String listen;

  @Option(
      names = "--backend",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      split = ",",
      description = "quick form: the members of its pool")
  List<String> backends = new ArrayList<>();

  @Option(
      names = "--algorithm",
      description = "quick form: ROUND_ROBIN or LEAST_CONNECTIONS (default: ${DEFAULT-VALUE})")
  LbAlgorithm algorithm = LbAlgorithm.ROUND_ROBIN;

  @Option(
      names = "--admin",
      paramLabel = "HOST:PORT",
      description = "admin port: /health, /metrics, /config (default: ${DEFAULT-VALUE})")
  String admin = "127.0.0.1:9180";

  @Option(
      names = "--admin-token-file",
      paramLabel = "FILE",
      description =
          "a bearer token, alone in this file, that the admin port asks for on every path but"
              + " /health; required when --admin is not a loopback address")
  Path adminTokenFile;

  @Option(
      names = "--control",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description =
          "se-manager-svc's gRPC address, or its replicas' separated by commas (the engine moves"
              + " to another when its replica goes): configuration is pushed from there")
  String control;

  @Option(
      names = "--analytics",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description =
          "analytics-svc's gRPC address, or its replicas' separated by commas: metrics every"
              + " second and client logs go there")
  String analytics;

  @Option(
      names = "--client-logs",
      description =
          "which requests get a client log: OFF, SIGNIFICANT (errors, slower than 1 s) or ALL"
              + " (default: ${DEFAULT-VALUE})")
  ClientLogBuffer.Mode clientLogs = ClientLogBuffer.Mode.SIGNIFICANT;

  @Option(
      names = "--se-id",
      description = "this engine's id at se-manager-svc (default: the host name)")
  String seId;

  @Option(
      names = "--se-group",
      description = "this engine's SE group at se-manager-svc (default: the default group)")
  String seGroup = "";

  @Option(
      names = "--hostname",
      description = "this node's name, as the manager knows it (default: the host name)")
  String hostname;

  @Option(
      names = "--node-id",
      description = "this node's Mesos agent id, for the manager's inventory (default: none)")
  String nodeId = "";

  @Mixin ControlPlaneOptions controlPlane = new ControlPlaneOptions();

  @Mixin HttpOptions http = new HttpOptions();

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "keeps the last good configuration here; started without --config or --listen, the"
              + " engine serves it at once")
  Path stateDir;

  @Option(
      names = "--timing",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "time every request (--no-timing turns it off; default: on)")
  boolean timing = true;

  @Mixin LimitOptions limitOptions = new LimitOptions();

  @Option(names = "--threads", description = "event loops for traffic (default: one per core)")
  int threads = Runtime.getRuntime().availableProcessors();

  public static void main(String[] args) {
    // Netty samples buffers for leak reports unless told not to: a stack trace per sampled buffer,
    // some 3 % of the CPU samples under HTTP/2 load. The tests run it paranoid; in service it is
    // off unless the operator asks (-Dio.netty.leakDetection.level=simple, say).
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    System.exit(new CommandLine(new ServiceEngineMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    EngineConfig engineConfig;
    InetSocketAddress adminAt;
    String adminToken;
    ResourceLimits limits;
    ControlPlaneTls controlPlaneTls;
    HttpSettings httpSettings;
    try {
      limits = limitOptions.limits();
      engineConfig = staticConfig();
      adminAt = adminAddress();
      adminToken = adminToken(adminAt);
      controlPlaneTls = control != null || analytics != null ? controlPlane.tls() : null;
      httpSettings = http.settings(timing);
    } catch (InvalidConfigException e) {
      System.err.println("service-engine: invalid configuration: " + e.getMessage());
      return 2;
    }
    Transport transport = Transport.best();
    ClientLogBuffer logBuffer =
        new ClientLogBuffer(
            analytics == null ? ClientLogBuffer.Mode.OFF : clientLogs,
            Duration.ofSeconds(1),
            LOG_BUFFER);
    ServiceEngine engine =
        new ServiceEngine(transport, threads, httpSettings.withClientLogs(logBuffer), limits);
    ServiceEngine.ApplyResult result = engine.apply(engineConfig);
    if (stateDir != null) {
      new LastGoodConfig(stateDir).save(result.config());
    }
    result
        .failedServices()
        .forEach((vs, why) -> log.error("virtual service {} is not served: {}", vs, why));
    AdminServer adminServer = new AdminServer(engine, transport, adminAt, adminToken);
    log.info(
        "service engine up ({} transport, {} event loops, timing {}): {} virtual services on {};"
            + " admin on {}",
        transport.name(),
        threads,
        timing ? "on" : "off",
        engineConfig.virtualServices().size(),
        engine.sockets().keySet(),
        adminServer.address());
    EngineCredentialStore credentials =
        new EngineCredentialStore(controlPlane.token(), stateDir, java.time.Clock.systemUTC());
    ControlClient controlClient =
        control == null
            ? null
            : new ControlClient(
                    engine,
                    new ControlClient.Settings(
                        control,
                        controlPlaneTls,
                        credentials,
                        seId != null ? seId : hostname(),
                        seGroup,
                        hostname(),
                        nodeId,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(30)),
                    LoadMeter.of(engine, logBuffer::droppedTotal),
                    stateDir == null ? null : new LastGoodConfig(stateDir))
                .start();
    AnalyticsReporter reporter =
        analytics == null
            ? null
            : new AnalyticsReporter(
                    engine,
                    logBuffer,
                    new AnalyticsReporter.Settings(
                        analytics,
                        controlPlaneTls,
                        credentials,
                        seId != null ? seId : hostname(),
                        nodeId,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(30)))
                .start();
    if (reporter != null) {
      adminServer.register(reporter.metrics());
    }
    if (controlClient != null) {
      adminServer.register(controlClient.metrics());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (controlClient != null) {
                    controlClient.close();
                  }
                  if (reporter != null) {
                    reporter.close();
                  }
                  adminServer.close();
                  engine.close();
                  stopped.countDown();
                },
                "se-shutdown"));
    stopped.await();
    return 0;
  }

  private EngineConfig staticConfig() throws java.io.IOException {
    checkTarget(control, "--control");
    checkTarget(analytics, "--analytics");
    if (config != null && listen != null) {
      throw invalid("--config", "use either --config or --listen/--backend");
    }
    if (control != null && (config != null || listen != null)) {
      throw invalid("--control", "a pushed configuration excludes --config and --listen");
    }
    if (config != null) {
      return StaticConfigFile.load(config);
    }
    if (listen == null && stateDir != null) {
      LastGoodConfig lastGood = new LastGoodConfig(stateDir);
      // under a manager, an unreadable file is set aside and the push awaited; alone, the
      // engine has nothing else to serve and refuses to start
      var kept = control != null ? lastGood.loadOrSetAside() : lastGood.load();
      if (kept.isPresent()) {
        log.info("serving the last good configuration from {}", lastGood.file());
        return kept.get();
      }
    }
    if (control != null) {
      return EngineConfig.empty(); // until the manager pushes one
    }
    if (listen == null || backends.isEmpty()) {
      throw invalid(
          "--listen",
          "give --config FILE, --listen HOST:PORT with --backend HOST:PORT, or --control HOST:PORT");
    }
    InetSocketAddress at = socket(listen, "--listen");
    List<EndpointConfig> members = new ArrayList<>();
    for (String backend : backends) {
      InetSocketAddress member = socket(backend, "--backend");
      members.add(new EndpointConfig(member.getHostString(), member.getPort(), 1));
    }
    return EngineConfig.of(
            List.of(
                new VirtualServiceConfig(
                    "default",
                    List.of(new ListenerConfig(at.getHostString(), at.getPort(), Protocol.HTTP)),
                    "default")),
            List.of(new PoolConfig("default", algorithm, members, Duration.ofSeconds(2))))
        .validate();
  }

  private String hostname() {
    if (hostname != null) {
      return hostname;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  private InetSocketAddress adminAddress() {
    InetSocketAddress at = socket(admin, "--admin");
    InetSocketAddress resolved = new InetSocketAddress(at.getHostString(), at.getPort());
    if (resolved.isUnresolved()) {
      throw invalid("--admin", "\"" + at.getHostString() + "\" does not resolve");
    }
    return resolved;
  }

  /**
   * The admin port's bearer token, read from its file (never from the command line, where {@code
   * ps} would show it); null when there is none, which only a loopback admin address may have.
   */
  private String adminToken(InetSocketAddress adminAt) {
    if (adminTokenFile == null) {
      if (!adminAt.getAddress().isLoopbackAddress()) {
        throw invalid(
            "--admin",
            adminAt.getHostString()
                + " is not a loopback address: give --admin-token-file so that the port asks"
                + " for a bearer token");
      }
      return null;
    }
    String token;
    try {
      token = java.nio.file.Files.readString(adminTokenFile).strip();
    } catch (java.io.IOException e) {
      throw invalid("--admin-token-file", "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (token.length() < 16 || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw invalid(
          "--admin-token-file", "must hold one token of at least 16 printable characters");
    }
    return token;
  }

  private static InetSocketAddress socket(String text, String option) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw invalid(option, "\"" + text + "\" is not HOST:PORT");
    }
    try {
      return InetSocketAddress.createUnresolved(
          text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw invalid(option, "\"" + text + "\" is not HOST:PORT with a port 0-65535");
    }
  }

  /** Refuses, naming the option, a gRPC address that gRPC itself would refuse. */
  private static void checkTarget(String target, String option) {
    if (target == null) {
      return;
    }
    try {
      io.grpc.netty.NettyChannelBuilder.forTarget(GrpcTargets.of(target))
          .usePlaintext()
          .build()
          .shutdownNow();
    } catch (IllegalArgumentException e) {
      throw invalid(
          option, "\"" + target + "\" is not HOST:PORT or a list of them (" + e.getMessage() + ")");
    }
  }

  private static InvalidConfigException invalid(String field, String description) {
    return new InvalidConfigException(
        List.of(new InvalidConfigException.Violation(field, description)));
  }
}
