package io.gatehouse.launcher;

import io.gatehouse.pki.LocalAuthority;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse up}: an embedded PostgreSQL (data in {@code <home>/postgres}, kept between
 * runs), marathon-sim with simulated agents, policy-, discovery-, se-manager- and analytics-svc,
 * the console, and a local service engine per agent (started by se-manager-svc), each a process of
 * its own with its output behind its name; then the demo app, and where to send traffic. Ctrl-C
 * stops everything.
 *
 * <p>The services speak gRPC over mutual TLS: a local CA in {@code <home>/tls} (made on first
 * start, kept after) issues each service its certificate, and the CLI its operator certificate; the
 * engines trust the CA. {@code --plaintext} runs without TLS. Each engine is started with a
 * credential of its own, signed by se-manager-svc with a key pair kept beside the CA.
 */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Start the platform here.")
final class Up implements Callable<Integer> {
  private static final Duration START = Duration.ofSeconds(120);

  @Option(
      names = "--home",
      description = "where data, logs and secrets live (default: ${DEFAULT-VALUE})")
  Path home = Path.of(".gatehouse");

  @Option(names = "--agents", description = "simulated Mesos agents (default: ${DEFAULT-VALUE})")
  int agents = 2;

  @Option(
      names = "--postgres-port",
      description = "embedded PostgreSQL (default: ${DEFAULT-VALUE})")
  int postgresPort = 15432;

  @Option(
      names = "--marathon-port",
      description = "marathon-sim's Marathon (default: ${DEFAULT-VALUE})")
  int marathonPort = 8080;

  @Option(
      names = "--mesos-port",
      description = "marathon-sim's Mesos master (default: ${DEFAULT-VALUE})")
  int mesosPort = 5050;

  @Option(
      names = "--base-port",
      description =
          "gRPC ports base+1 (policy) to base+4 (analytics), management ports base+91 to base+94"
              + " (default: ${DEFAULT-VALUE})")
  int basePort = 9100;

  @Option(
      names = "--console-port",
      description = "the console's HTTPS on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int consolePort = 9443;

  @Option(
      names = "--replicas",
      description =
          "replicas of each of policy-, discovery-, se-manager- and analytics-svc, 1 to 5; replica"
              + " r (from 0) takes the ports above plus 10r (default: ${DEFAULT-VALUE})")
  int replicas = 1;

  @Option(names = "--no-demo", description = "do not post the demo app")
  boolean noDemo;

  @Option(
      names = "--label-parents",
      split = ",",
      description =
          "virtual services apps may attach child services to with avi_proxy vh_parent_vs_ref"
              + " (claiming host names on their listeners); none by default")
  List<String> labelParents = List.of();

  @Option(
      names = "--label-http-policy-sets",
      split = ",",
      description =
          "HTTP policy sets apps may apply to their virtual services with avi_proxy http_policies"
              + " (a set may send requests to any pool); none by default")
  List<String> labelHttpPolicySets = List.of();

  @Option(
      names = "--marathon-lb-parent",
      description =
          "GROUP=VS: apps labelled for marathon-lb's HAPROXY_GROUP GROUP with HAPROXY_n_VHOST"
              + " become children of virtual service VS (repeatable)")
  Map<String, String> marathonLbParents = Map.of();

  @Option(
      names = "--marathon-lb-vip",
      description =
          "GROUP=IP: the service ports of marathon-lb's HAPROXY_GROUP GROUP listen on this VIP"
              + " (internal is east-west; repeatable)")
  Map<String, String> marathonLbVips = Map.of();

  @Option(
      names = "--plaintext",
      description = "run the services' gRPC without TLS (tokens and keys cross loopback in clear)")
  boolean plaintext;

  @Option(
      names = "--root",
      description = "the Gatehouse checkout whose module jars run (default: the current folder)")
  Path root = Path.of(".");

  private final PrintStream out = System.out;

  /** What was started, in the order it was, each batch started together. */
  private final List<List<ChildProcess>> started = new ArrayList<>();

  private LocalPostgres postgres;
  private LocalTls tls;

  @Override
  public Integer call() throws Exception {
    if (replicas < 1 || replicas > ServiceLines.MAX_REPLICAS) {
      out.println(
          "gatehouse: --replicas must be 1 to " + ServiceLines.MAX_REPLICAS + ", not " + replicas);
      return 2; // before anything is started
    }
    home = home.toAbsolutePath();
    root = root.toAbsolutePath().normalize();
    for (String module :
        List.of(
            "marathon-sim",
            "policy-svc",
            "discovery-svc",
            "se-manager-svc",
            "analytics-svc",
            "console",
            "service-engine")) {
      if (!Files.isRegularFile(jar(module))) {
        out.println(
            "gatehouse: "
                + jar(module)
                + " is missing: build it with ./mvnw -B package -DskipTests");
        return 2;
      }
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopAll();
                  stopped.countDown();
                },
                "gatehouse-stop"));
    Secrets secrets = Secrets.in(home);
    tls = LocalTls.in(home, plaintext);
    LocalAuthority.SigningKeys engineKeys = tls.engineKeys();
    postgres =
        LocalPostgres.start(
            home.resolve("postgres"), postgresPort, secrets.get("postgres-password"));
    out.println(
        "[postgres  ] PostgreSQL on 127.0.0.1:"
            + postgresPort
            + ", data in "
            + home.resolve("postgres"));
    String jdbc = postgres.jdbcUrl();
    startServices(secrets, jdbc, engineKeys);
    String servicePort = noDemo ? null : DemoApp.post(marathonPort);
    new Welcome(out, home, basePort, replicas, agents, marathonPort, consolePort)
        .print(servicePort);
    stopped.await();
    return 0;
  }

  private void startServices(Secrets s, String jdbc, LocalAuthority.SigningKeys engineKeys)
      throws Exception {
    ChildProcess marathon =
        start(
            "marathon",
            "marathon-sim",
            List.of(
                "--http_port=" + marathonPort,
                "--mesos_port=" + mesosPort,
                "--agents=" + agents,
                "--sandboxes=" + home.resolve("sandboxes")),
            Map.of());
    synchronized (started) {
      started.add(List.of(marathon));
    }
    marathon.awaitPort(marathonPort, START);
    ServiceLines lines =
        new ServiceLines(
            new ServiceLines.Settings(
                basePort,
                replicas,
                marathonPort,
                mesosPort,
                consolePort,
                home,
                jar("service-engine"),
                labelParents,
                labelHttpPolicySets,
                marathonLbParents,
                marathonLbVips),
            s,
            tls,
            jdbc,
            engineKeys);
    // policy-svc first (the others read it as they start), then discovery-svc (whose apps
    // se-manager-svc follows), then the rest side by side; a service's replicas start together
    startTogether(lines.policy());
    startTogether(lines.discovery());
    List<ServiceLines.Launch> rest = new ArrayList<>(lines.seManager());
    rest.addAll(lines.analytics());
    rest.add(lines.console());
    startTogether(rest);
  }

  /** Starts {@code launches} at once and waits until each one's port answers. */
  private void startTogether(List<ServiceLines.Launch> launches) throws InterruptedException {
    List<ChildProcess> batch = new ArrayList<>();
    for (ServiceLines.Launch launch : launches) {
      batch.add(start(launch.name(), launch.module(), launch.args(), launch.env()));
    }
    synchronized (started) {
      started.add(batch);
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).awaitPort(launches.get(i).port(), START);
    }
  }

  private ChildProcess start(
      String name, String module, List<String> args, Map<String, String> env) {
    return ChildProcess.start(name, jar(module), List.of("-Xmx256m"), args, env, out);
  }

  private void stopAll() {
    List<List<ChildProcess>> running;
    synchronized (started) {
      running = new ArrayList<>(started);
      started.clear();
    }
    running.forEach(batch -> batch.forEach(ChildProcess::expectExit));
    // in the reverse of the order they started in, those started together stopping together
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).forEach(ChildProcess::requestStop);
      running.get(i).forEach(ChildProcess::awaitStop);
    }
    stopEngines();
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        out.println("[postgres  ] did not stop cleanly: " + e.getMessage());
      }
    }
    out.println("Gatehouse stopped.");
  }

  /**
   * Stops the engines se-manager-svc started, by their pid files: engines outlive the manager (so
   * that traffic flows while it is down), so they are stopped after it.
   */
  private void stopEngines() {
    String engineJar = jar("service-engine").toString();
    List<ProcessHandle> engines = new ArrayList<>();
    try (var files = Files.list(home.resolve("engines"))) {
      for (Path pidFile : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
            .filter(p -> p.info().commandLine().orElse("").contains(engineJar))
            .ifPresent(engines::add);
        Files.deleteIfExists(pidFile);
      }
    } catch (IOException | NumberFormatException e) {
      if (!(e instanceof java.nio.file.NoSuchFileException)) {
        out.println("[engines   ] could not read the engines' pid files: " + e.getMessage());
      }
    }
    engines.forEach(ProcessHandle::destroy);
    for (ProcessHandle engine : engines) {
      try {
        engine.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception notYet) {
        engine.destroyForcibly();
      }
    }
    if (!engines.isEmpty()) {
      out.println("[engines   ] " + engines.size() + " service engines stopped");
    }
  }

  private Path jar(String module) {
    return root.resolve(module).resolve("target").resolve(module + ".jar");
  }
}
