package io.gatehouse.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the platform's processes: a module's jar run with the launcher's own java, its output
 * printed line by line behind a name ({@code [policy] ...}), stopped with the launcher.
 */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private volatile boolean exitExpected;
  private List<ProcessHandle> children = List.of();

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /** Starts {@code jar} with {@code args} and extra environment {@code env}. */
  static ChildProcess start(
      String name,
      Path jar,
      List<String> jvmArgs,
      List<String> args,
      Map<String, String> env,
      PrintStream out) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      Process process = builder.start();
      String prefix = String.format("[%-10s] ", name);
      Thread pump =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    out.println(prefix + line);
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "log-" + name);
      pump.setDaemon(true);
      pump.start();
      ChildProcess child = new ChildProcess(name, process);
      // like docker compose: the others keep running, and the exit is said where it is seen
      process
          .onExit()
          .thenRunAsync(
              () -> {
                try {
                  pump.join(TimeUnit.SECONDS.toMillis(5)); // its last lines first
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                if (!child.exitExpected) {
                  out.println(
                      prefix
                          + "exited with status "
                          + process.exitValue()
                          + "; the rest of Gatehouse runs on without it");
                }
              });
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + ": " + e.getMessage(), e);
    }
  }

  /** Waits until {@code port} on loopback accepts connections; fails if the process ends first. */
  ChildProcess awaitPort(int port, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with status " + process.exitValue() + " before it listened on " + port);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        // a port in the ephemeral range may be "reached" by a connection to itself (TCP
        // simultaneous open), which then holds the port the child wants to bind
        if (socket.getLocalPort() != port) {
          return this;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(100); // the launcher's own wait for a child to come up
    }
    throw new IllegalStateException(name + " did not listen on " + port + " within " + timeout);
  }

  String name() {
    return name;
  }

  boolean alive() {
    return process.isAlive();
  }

  /**
   * From now on an exit is no surprise and is not reported: Ctrl-C reaches the children too, and
   * they may end before the launcher comes to stop them.
   */
  void expectExit() {
    exitExpected = true;
  }

  /** Stops the process and everything it started, politely first. */
  @Override
  public void close() {
    requestStop();
    awaitStop();
  }

  /** Asks the process to stop (SIGTERM), without waiting; {@link #awaitStop()} waits. */
  void requestStop() {
    expectExit();
    children = process.descendants().toList();
    process.destroy();
  }

  /** Waits for a stop asked for, forcing it after 15 s; then ends what the process started. */
  void awaitStop() {
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
