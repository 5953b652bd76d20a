package io.gatehouse.bench;

import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.GetSyncStatusRequest;
import io.gatehouse.api.discovery.v1.MarathonSyncStatus;
import io.gatehouse.api.discovery.v1.WatchAppsRequest;
import io.gatehouse.api.discovery.v1.WatchAppsResponse;
import io.gatehouse.testsupport.ServiceJar;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * discovery-svc following a large Marathon: marathon-sim (fixed endpoints, so only the API is
 * exercised) holds many apps; discovery-svc starts against it and the time to a complete first sync
 * and its memory are measured; then tasks are failed at a steady rate and the time from each
 * failure to the WatchApps delta that removes it is measured.
 */
@Command(
    name = "discovery",
    mixinStandardHelpOptions = true,
    description = "Benchmark discovery-svc.")
final class DiscoveryBench implements Callable<Integer> {
  @Option(names = "--apps", description = "apps in Marathon (default: ${DEFAULT-VALUE})")
  int apps = 5000;

  @Option(names = "--instances", description = "tasks per app (default: ${DEFAULT-VALUE})")
  int instances = 5;

  @Option(
      names = "--events-per-second",
      description = "task failures per second (default: ${DEFAULT-VALUE})")
  int rate = 200;

  @Option(
      names = "--seconds",
      description = "duration of the event phase (default: ${DEFAULT-VALUE})")
  int seconds = 10;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  public Integer call() throws Exception {
    int marathonPort = ServiceJar.freePort();
    Path sandboxes = Files.createTempDirectory("bench-sim");
    try (ServiceJar sim =
        ServiceJar.start(
                "marathon-sim",
                List.of(
                    "--fixed-tasks",
                    "--http_port=" + marathonPort,
                    "--mesos_port=" + ServiceJar.freePort(),
                    "--agents=10",
                    "--host-ports=20000-60000",
                    "--sandboxes=" + sandboxes),
                Map.of())
            .awaitPort(marathonPort, Duration.ofSeconds(60))) {
      String marathon = "http://127.0.0.1:" + marathonPort;
      long posted = System.nanoTime();
      postApps(marathon);
      System.out.printf(
          Locale.ROOT,
          "marathon-sim: %d apps x %d tasks posted in %.1f s%n",
          apps,
          instances,
          (System.nanoTime() - posted) / 1e9);

      int grpc = ServiceJar.freePort();
      long started = System.nanoTime();
      try (ServiceJar discovery =
          ServiceJar.start(
                  "discovery-svc",
                  List.of(
                      "--grpc.server.port=" + grpc,
                      "--gatehouse.discovery.marathons.default.url=" + marathon,
                      "--gatehouse.discovery.mesos.url=http://127.0.0.1:1"),
                  Map.of())
              .awaitPort(grpc, Duration.ofSeconds(60))) {
        ManagedChannel channel =
            NettyChannelBuilder.forAddress("127.0.0.1", grpc).usePlaintext().build();
        long listening = System.nanoTime();
        MarathonSyncStatus status;
        do {
          status =
              DiscoveryServiceGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .getSyncStatus(GetSyncStatusRequest.getDefaultInstance())
                  .getMarathons(0);
          Thread.sleep(20);
        } while (status.getTaskCount() < (long) apps * instances
            && System.nanoTime() - started < TimeUnit.MINUTES.toNanos(5));
        long synced = System.nanoTime();
        System.out.printf(
            Locale.ROOT,
            "first sync: %d apps, %d tasks; process start -> synced %.2f s (gRPC up -> synced %.2f s); RSS %.0f MiB%n",
            status.getAppCount(),
            status.getTaskCount(),
            (synced - started) / 1e9,
            (synced - listening) / 1e9,
            discovery.residentBytes() / 1048576.0);
        events(channel, marathon);
        System.out.printf(
            Locale.ROOT,
            "after the event phase: RSS %.0f MiB%n",
            discovery.residentBytes() / 1048576.0);
        channel.shutdownNow();
      }
    }
    return 0;
  }

  /** Fails tasks at a steady rate; measures failure request -> WatchApps removal delta. */
  private void events(ManagedChannel channel, String marathon) throws Exception {
    Map<String, Long> sent = new ConcurrentHashMap<>();
    Latencies latency = new Latencies();
    AtomicInteger seen = new AtomicInteger();
    DiscoveryServiceGrpc.newStub(channel)
        .watchApps(
            WatchAppsRequest.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(WatchAppsResponse response) {
                long now = System.nanoTime();
                response
                    .getTaskChangesList()
                    .forEach(
                        c -> {
                          Long at = sent.remove(c.getRemovedTaskId());
                          if (at != null) {
                            latency.recordNanos(now - at);
                            seen.incrementAndGet();
                          }
                        });
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    List<String> tasks = taskIds(marathon);
    int total = Math.min(rate * seconds, tasks.size());
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    ExecutorService senders = Executors.newFixedThreadPool(8);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + i * interval;
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
      String task = tasks.get(i);
      senders.execute(
          () -> {
            sent.put(task, System.nanoTime());
            send("POST", marathon + "/sim/tasks/" + task + "/exit?status=1", "");
          });
    }
    senders.shutdown();
    senders.awaitTermination(1, TimeUnit.MINUTES);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (seen.get() < total && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    System.out.printf(
        Locale.ROOT,
        "events: %d task failures at %d/s; failure -> WatchApps delta %s (seen %d)%n",
        total,
        rate,
        latency.summary(),
        seen.get());
  }

  private List<String> taskIds(String marathon) throws Exception {
    String body = send("GET", marathon + "/v2/tasks", null);
    List<String> ids = new ArrayList<>();
    for (var task :
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("tasks")) {
      ids.add(task.path("id").asText());
    }
    return ids;
  }

  private void postApps(String marathon) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < apps; i++) {
      String app =
          String.format(
              Locale.ROOT,
              "{\"id\": \"/bench/app-%05d\", \"instances\": %d, \"cmd\": \"serve\", \"portDefinitions\": [{\"port\": 0}],"
                  + " \"labels\": {\"team\": \"bench\"}}",
              i,
              instances);
      futures.add(pool.submit(() -> send("POST", marathon + "/v2/apps", app)));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
  }

  private String send(String method, String url, String body) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(60))
                  .header("Content-Type", "application/json")
                  .method(
                      method,
                      body == null
                          ? HttpRequest.BodyPublishers.noBody()
                          : HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + url + ": " + e.getMessage(), e);
    }
  }
}
