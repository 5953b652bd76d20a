package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testsupport.ConsoleClient;
import io.gatehouse.testsupport.ServiceJar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code gatehouse up} (the launcher's jar, the other modules' jars, every piece a process)
 * shared by the platform tests of this JVM: started by the first to ask, stopped by the last
 * (classes run in their {@code @Order}: {@link WalkthroughIT}, whose last steps stop parts of the
 * platform, comes last and stops it as Ctrl-C does), or at the JVM's end.
 */
final class RunningPlatform {
  static final Duration WAIT = Duration.ofSeconds(180);

  /**
   * Replicas of each control-plane service on the shared platform: one, to keep the suite's time
   * (each replica is a JVM more to start); FailoverIT runs two of each on a platform of its own.
   */
  static final int REPLICAS = 1;

  private static RunningPlatform shared;

  final Path jar;
  final Path home;
  final int base;
  final int marathonPort;
  final int postgresPort;
  final int consolePort;
  final int replicas;
  final Path log;
  private final Process launcher;

  private RunningPlatform(
      Path jar,
      Path home,
      int base,
      int marathonPort,
      int postgresPort,
      int consolePort,
      int replicas,
      Process launcher) {
    this.replicas = replicas;
    this.jar = jar;
    this.home = home;
    this.base = base;
    this.marathonPort = marathonPort;
    this.postgresPort = postgresPort;
    this.consolePort = consolePort;
    this.log = home.resolve("launcher.log");
    this.launcher = launcher;
  }

  /** The platform of this JVM, started now if it is not running. */
  static synchronized RunningPlatform shared() {
    if (shared == null) {
      shared = start(REPLICAS);
    }
    return shared;
  }

  /**
   * A platform of its own, with {@code replicas} of each control-plane service; the caller stops it
   * ({@link #stop()}).
   */
  static RunningPlatform start(int replicas) {
    try {
      Path jar = ServiceJar.jarOf("launcher");
      Path home = Files.createTempDirectory("gatehouse-walkthrough");
      int base = freeBase(replicas);
      int marathonPort = ServiceJar.freePort();
      int postgresPort = ServiceJar.freePort();
      int consolePort = ServiceJar.freePort();
      List<String> command =
          new ArrayList<>(
              List.of(
                  java(),
                  "-jar",
                  jar.toString(),
                  "up",
                  "--home=" + home,
                  "--root=" + jar.getParent().getParent().getParent(),
                  "--base-port=" + base,
                  "--postgres-port=" + postgresPort,
                  "--marathon-port=" + marathonPort,
                  "--mesos-port=" + ServiceJar.freePort(),
                  "--console-port=" + consolePort,
                  "--label-parents=" + EdgeIT.PARENT,
                  "--label-http-policy-sets=" + HttpPolicyEdgeIT.SET,
                  "--marathon-lb-parent=internal=" + EdgeIT.PARENT));
      if (replicas > 1) {
        command.add("--replicas=" + replicas);
      }
      Process launcher =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(home.resolve("launcher.log").toFile())
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(launcher::destroy, "platform-stop"));
      RunningPlatform platform =
          new RunningPlatform(
              jar, home, base, marathonPort, postgresPort, consolePort, replicas, launcher);
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .failFast("the launcher exited; see " + platform.log, () -> !launcher.isAlive())
          .until(() -> platform.output().contains("  stop:      Ctrl-C")); // the welcome's end
      return platform;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the launcher printed so far. */
  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The gRPC address of service {@code offset} (1 policy, 2 discovery, 3 se-manager, 4 analytics).
   */
  String grpc(int offset) {
    return "127.0.0.1:" + (base + offset);
  }

  /** A client of the console, trusting the CA the console made in its state folder. */
  ConsoleClient console() {
    return new ConsoleClient(consolePort, home.resolve("console/tls/ca.pem"));
  }

  /** A file of the run's local CA ({@code ca.pem}, {@code operator.key} ...). */
  Path tls(String file) {
    return home.resolve("tls").resolve(file);
  }

  /**
   * Stops the platform as Ctrl-C does, and checks that the launcher stopped everything it started.
   */
  static synchronized void stopShared() throws Exception {
    if (shared == null) {
      return;
    }
    RunningPlatform platform = shared;
    shared = null;
    platform.stop();
  }

  /** Stops this platform as Ctrl-C does, and checks that everything it started stopped. */
  void stop() throws Exception {
    RunningPlatform platform = this;
    platform.launcher.destroy();
    assertThat(platform.launcher.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(platform.output())
        .contains("Gatehouse stopped.")
        .doesNotContain("[marathon  ] exited"); // what the launcher stops is no surprise
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> processesNaming(platform.home.toString()).isEmpty());
  }

  /** The CLI's command line against this run, with {@code args}. */
  List<String> cliCommand(String... args) {
    List<String> line = new ArrayList<>(List.of(java(), "-jar", jar.toString()));
    line.addAll(cliArgs(args));
    return line;
  }

  /** The CLI's arguments against this run: {@code args} and where the services are. */
  List<String> cliArgs(String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(
        List.of(
            "--home=" + home,
            "--policy=" + targets(1),
            "--discovery=" + targets(2),
            "--se-manager=" + targets(3),
            "--analytics=" + targets(4)));
    return line;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The processes whose command line names {@code marker}. */
  static List<ProcessHandle> processesNaming(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(marker))
        .toList();
  }

  /**
   * The management port of replica {@code replica} (from 0) of service {@code offset}, as {@code
   * gatehouse up --replicas} numbers them.
   */
  int managementPort(int offset, int replica) {
    return base + 90 + offset + 10 * replica;
  }

  /**
   * Every replica's gRPC address of service {@code offset}, comma-separated, as clients take them.
   */
  String targets(int offset) {
    return java.util.stream.IntStream.range(0, replicas)
        .mapToObj(r -> "127.0.0.1:" + grpcPort(offset, r))
        .collect(java.util.stream.Collectors.joining(","));
  }

  /** The gRPC port of replica {@code replica} (from 0) of service {@code offset}. */
  int grpcPort(int offset, int replica) {
    return base + offset + 10 * replica;
  }

  /**
   * A base port with every replica's gRPC and management ports free (base+1..4 and base+91..94,
   * plus 10 for each further replica), below Linux's ephemeral range (32768 and up), where no
   * outgoing connection takes one meanwhile.
   */
  private static int freeBase(int replicas) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20000 + (int) (Math.random() * 12000);
      boolean free = true;
      for (int replica = 0; free && replica < replicas; replica++) {
        for (int offset : new int[] {1, 2, 3, 4, 91, 92, 93, 94}) {
          try (java.net.ServerSocket socket =
              new java.net.ServerSocket(base + offset + 10 * replica)) {
            socket.setReuseAddress(true);
          } catch (IOException taken) {
            free = false;
            break;
          }
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free port range found");
  }
}
