package io.gatehouse.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Gatehouse service run from its jar as a real child process, for tests across services. The jar
 * is the one the build made ({@code <module>/target/<module>.jar}); a test is skipped, saying how
 * to build it, when it is missing (under CI it fails: see {@link Prerequisites}). Output goes to a
 * log file; closing stops the process.
 */
public final class ServiceJar implements AutoCloseable {
  /**
   * The environment that runs a control-plane service without TLS, which it does only when asked
   * (tests of what is not TLS; TLS itself is tested where it is the subject).
   */
  public static final Map<String, String> PLAINTEXT = Map.of("GATEHOUSE_TLS_PLAINTEXT", "true");

  private final Process process;
  private final Path log;

  private ServiceJar(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** The built jar of {@code module}; skips the calling test (fails it under CI) when missing. */
  public static Path jarOf(String module) {
    Path jar =
        SharedFixtures.checkoutRoot().resolve(module).resolve("target").resolve(module + ".jar");
    Prerequisites.require(
        Files.isRegularFile(jar),
        () ->
            jar
                + " not found; build it first (./mvnw -B package -DskipTests -pl "
                + module
                + " -am)");
    return jar;
  }

  /** {@code env} with {@link #PLAINTEXT}. */
  public static Map<String, String> plaintext(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putAll(PLAINTEXT);
    return all;
  }

  /** Starts {@code module}'s jar with {@code args} and extra environment {@code env}. */
  public static ServiceJar start(String module, List<String> args, Map<String, String> env) {
    return start(module, List.of("-Xmx256m"), args, env);
  }

  /** As {@link #start(String, List, Map)}, with the JVM options {@code jvmArgs}. */
  public static ServiceJar start(
      String module, List<String> jvmArgs, List<String> args, Map<String, String> env) {
    Path jar = jarOf(module);
    try {
      Path log = Files.createTempFile(module + "-", ".log");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmArgs);
      command.add("-jar");
      command.add(jar.toString());
      command.addAll(args);
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      return new ServiceJar(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code port} on loopback accepts connections; fails when the process exits. */
  public ServiceJar awaitPort(int port, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "service exited with " + process.exitValue() + "; see " + log);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        // a connection to itself (TCP simultaneous open, in the ephemeral range) is nobody
        // listening, and it holds the port the service wants to bind
        if (socket.getLocalPort() != port) {
          return this;
        }
        throw new IOException("connected to itself");
      } catch (IOException notYet) {
        try {
          process.waitFor(100, TimeUnit.MILLISECONDS); // doubles as the polling pause
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    throw new IllegalStateException("port " + port + " not open after " + timeout + "; see " + log);
  }

  /** The CPU time the process has used so far (every thread, user and system). */
  public java.time.Duration cpuTime() {
    return process
        .toHandle()
        .info()
        .totalCpuDuration()
        .orElseThrow(() -> new IllegalStateException("no CPU time for process " + process.pid()));
  }

  /** The process's resident memory in bytes (VmRSS from /proc). */
  public long residentBytes() {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      throw new IllegalStateException("no VmRSS for process " + process.pid());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The service's output. */
  public Path log() {
    return log;
  }

  /** What the service has written so far. */
  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the process to end by itself; its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("still running after " + timeout + "; see " + log);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A free port, never one handed out before in this JVM. It comes from 20000-30999: below the
   * kernel's ephemeral ports (32768 and up here), so a socket a test binds to port 0 afterwards (a
   * member, a client) cannot be given it; and above Marathon's service ports (10000-20000) and
   * below Mesos agents' task ports (31000-32000), which the simulator hands out.
   */
  public static int freePort() {
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = random.nextInt(FIRST_PORT, LAST_PORT + 1);
      if (HANDED_OUT.contains(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new java.net.InetSocketAddress(port));
      } catch (IOException inUse) {
        continue;
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException(
        "no free port in " + FIRST_PORT + "-" + LAST_PORT + " after 1000 tries");
  }

  private static final int FIRST_PORT = 20_000;
  private static final int LAST_PORT = 30_999;

  private static final java.util.Set<Integer> HANDED_OUT =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Stops the service, and then whatever it started that outlived it (marathon-sim's task
   * processes, when the simulator was too slow to stop them itself).
   */
  @Override
  public void close() {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
