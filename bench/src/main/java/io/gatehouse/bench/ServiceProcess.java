package io.gatehouse.bench;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A service jar running as a child process of the benchmark; stopped when the benchmark ends. */
final class ServiceProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int managementPort;

  private ServiceProcess(Process process, Path log, int managementPort) {
    this.process = process;
    this.log = log;
    this.managementPort = managementPort;
  }

  /** Starts {@code java -jar jar args}, with {@code env} added, logging to a temporary file. */
  static ServiceProcess start(
      Path jar,
      List<String> jvmArgs,
      List<String> args,
      Map<String, String> env,
      int managementPort)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          jar + " not found: run ./mvnw -B package -DskipTests first");
    }
    Path log = Files.createTempFile("gatehouse-bench-", ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    ServiceProcess service = new ServiceProcess(builder.start(), log, managementPort);
    Runtime.getRuntime().addShutdownHook(new Thread(service::close));
    return service;
  }

  /** Waits until the gRPC health service answers SERVING. */
  void awaitServing(ManagedChannel channel, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("service exited early; see " + log);
      }
      try {
        HealthCheckResponse.ServingStatus status =
            HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus();
        if (status == HealthCheckResponse.ServingStatus.SERVING) {
          return;
        }
      } catch (RuntimeException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("service not serving after " + timeout + "; see " + log);
  }

  /** Resident memory of the process in bytes, from /proc. */
  long residentBytes() throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /** A metric's value from the service's Prometheus /metrics (summed over matching series). */
  double metric(String name, String labelFilter) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    double sum = 0;
    for (String line : response.body().split("\n")) {
      if (line.startsWith(name)
          && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')
          && line.contains(labelFilter)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  Path log() {
    return log;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
