package io.gatehouse.sim.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.marathon.Marathon;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs an app's health checks against each running task, every {@code intervalSeconds}, each probe
 * bounded by {@code timeoutSeconds}: HTTP(S) and MESOS_HTTP(S) expect a 200-399 answer on the path;
 * TCP and MESOS_TCP a connection; COMMAND an exit status 0.
 */
public final class HealthChecker implements Marathon.Health {
  private final ScheduledExecutorService probes =
      Executors.newScheduledThreadPool(2, new DefaultThreadFactory("sim-health", true));
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, List<ScheduledFuture<?>>> watched = new ConcurrentHashMap<>();
  private final Supplier<Marathon> marathon;

  /** {@code marathon} is read lazily: the checker is built before the Marathon it reports to. */
  public HealthChecker(Supplier<Marathon> marathon) {
    this.marathon = marathon;
  }

  @Override
  public void watch(
      String appId, ObjectNode app, String taskId, String address, List<Integer> ports) {
    List<ScheduledFuture<?>> futures = new ArrayList<>();
    JsonNode checks = app.get("healthChecks");
    for (int i = 0; i < checks.size(); i++) {
      JsonNode check = checks.get(i);
      int index = i;
      int port =
          check.has("port")
              ? check.get("port").asInt()
              : ports.get(check.path("portIndex").asInt(0));
      long interval = Math.max(1, check.get("intervalSeconds").asLong()) * 1000;
      Duration timeout = Duration.ofSeconds(Math.max(1, check.get("timeoutSeconds").asLong()));
      futures.add(
          probes.scheduleWithFixedDelay(
              () -> probe(taskId, index, check, address, port, timeout),
              Math.min(500, interval),
              interval,
              TimeUnit.MILLISECONDS));
    }
    watched.put(taskId, futures);
  }

  @Override
  public void forget(String taskId) {
    List<ScheduledFuture<?>> futures = watched.remove(taskId);
    if (futures != null) {
      futures.forEach(f -> f.cancel(true));
    }
  }

  private void probe(
      String taskId, int index, JsonNode check, String address, int port, Duration timeout) {
    String protocol = check.get("protocol").asText();
    String failure;
    try {
      failure =
          switch (protocol) {
            case "HTTP", "MESOS_HTTP", "HTTPS", "MESOS_HTTPS" ->
                http(check, address, port, timeout, protocol.endsWith("HTTPS"));
            case "TCP", "MESOS_TCP" -> tcp(address, port, timeout);
            case "COMMAND" -> command(check, timeout);
            default -> "unknown protocol " + protocol;
          };
    } catch (IOException e) {
      failure = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (watched.containsKey(taskId)) {
      marathon.get().reportHealth(taskId, index, failure == null, failure);
    }
  }

  private String http(JsonNode check, String address, int port, Duration timeout, boolean tls)
      throws IOException, InterruptedException {
    URI uri =
        URI.create(
            (tls ? "https://" : "http://") + address + ":" + port + check.path("path").asText("/"));
    HttpResponse<Void> response =
        http.send(
            HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
            HttpResponse.BodyHandlers.discarding());
    int status = response.statusCode();
    return status >= 200 && status < 400 ? null : "HTTP " + status;
  }

  private static String tcp(String address, int port, Duration timeout) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
      return null;
    }
  }

  private static String command(JsonNode check, Duration timeout)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("/bin/sh", "-c", check.path("command").path("value").asText("true"))
            .start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      return "command timed out";
    }
    return process.exitValue() == 0 ? null : "command exited with " + process.exitValue();
  }

  /** Stops every probe. */
  public void close() {
    probes.shutdownNow();
  }
}
