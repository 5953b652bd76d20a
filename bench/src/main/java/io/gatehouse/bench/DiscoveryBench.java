package io.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.GetSyncStatusRequest;
import io.gatehouse.api.discovery.v1.MarathonSyncStatus;
import io.gatehouse.api.discovery.v1.WatchAppsRequest;
import io.gatehouse.api.discovery.v1.WatchAppsResponse;
import io.gatehouse.testsupport.ServiceJar;
import io.grpc.Channel;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * discovery-svc following a large Marathon: marathon-sim (fixed endpoints, so only the API is
 * exercised) holds many apps; discovery-svc starts against it and the time to a complete first sync
 * and its memory are measured; then tasks are failed at a steady rate and the time from each
 * failure to the WatchApps delta that removes it is measured; last, a second discovery-svc follows
 * a replaying Marathon ({@link ReplayMarathon}) that writes task failures straight to the event
 * stream, which measures discovery-svc's own event latency.
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
      names = "--replay-events-per-second",
      description =
          "task failures per second replayed to discovery-svc alone (default: ${DEFAULT-VALUE})")
  int replayRate = 1000;

  @Option(
      names = "--seconds",
      description = "duration of the event phase (default: ${DEFAULT-VALUE})")
  int seconds = 10;

  private static final ObjectMapper JSON = new ObjectMapper();
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

      try (Discovery discovery = Discovery.start(marathon)) {
        MarathonSyncStatus status = discovery.awaitSync((long) apps * instances);
        System.out.printf(
            Locale.ROOT,
            "first sync: %d apps, %d tasks in %.2f s (discovery-svc's own figure); process start -> synced %.2f s (gRPC up -> synced %.2f s); RSS %.0f MiB%n",
            status.getAppCount(),
            status.getTaskCount(),
            status.getLastFullSyncDuration().getSeconds()
                + status.getLastFullSyncDuration().getNanos() / 1e9,
            (discovery.synced - discovery.started) / 1e9,
            (discovery.synced - discovery.listening) / 1e9,
            discovery.jar.residentBytes() / 1048576.0);
        failTasks(discovery, marathon);
        System.out.printf(
            Locale.ROOT,
            "after the event phase: RSS %.0f MiB%n",
            discovery.jar.residentBytes() / 1048576.0);
      }
      replay(send("GET", marathon + "/v2/apps?embed=apps.tasks&embed=apps.counts", null));
    }
    return 0;
  }

  /**
   * Fails tasks in marathon-sim at a steady rate; measures failure request -> WatchApps removal
   * delta, so the simulator's own work is part of the figure.
   */
  private void failTasks(Discovery discovery, String marathon) throws Exception {
    Removals removals = discovery.watchRemovals();
    Map<String, Long> sent = removals.sent;
    Latencies latency = removals.latency;
    AtomicInteger seen = removals.seen;
    List<String> tasks = taskIds(marathon);
    int total = Math.min(rate * seconds, tasks.size());
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    ExecutorService senders = Executors.newFixedThreadPool(8);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + i * interval;
      pace(due);
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
        "marathon-sim events: %d task failures at %d/s; failure request -> WatchApps delta %s (seen %d)%n",
        total,
        rate,
        latency.summary(),
        seen.get());
  }

  /**
   * discovery-svc alone: a second instance follows a Marathon that only replays (the apps just
   * synced, then task failures written straight to the event stream at {@code replayRate}), so the
   * figure is event written -> WatchApps removal delta, with no simulator work in it.
   */
  private void replay(String appsJson) throws Exception {
    JsonNode recorded = JSON.readTree(appsJson);
    List<String[]> tasks = new ArrayList<>();
    for (JsonNode app : recorded.path("apps")) {
      for (JsonNode task : app.path("tasks")) {
        tasks.add(new String[] {app.path("id").asText(), task.path("id").asText()});
      }
    }
    try (ReplayMarathon marathon = new ReplayMarathon(appsJson);
        Discovery discovery = Discovery.start(marathon.url())) {
      discovery.awaitSync(tasks.size());
      while (!marathon.streaming()) {
        Thread.sleep(10);
      }
      Removals removals = discovery.watchRemovals();
      int total = Math.min(replayRate * seconds, tasks.size());
      long interval = TimeUnit.SECONDS.toNanos(1) / replayRate;
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = start + i * interval;
        pace(due);
        String[] task = tasks.get(i);
        removals.sent.put(task[1], System.nanoTime());
        marathon.taskFailed(task[0], task[1]);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (removals.seen.get() < total && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      System.out.printf(
          Locale.ROOT,
          "replayed events: %d task failures at %d/s; event written -> WatchApps delta %s (seen %d); RSS %.0f MiB%n",
          total,
          replayRate,
          removals.latency.summary(),
          removals.seen.get(),
          discovery.jar.residentBytes() / 1048576.0);
    }
  }

  /** Waits until {@code due} (System.nanoTime) without spinning: the machine has two cores. */
  private static void pace(long due) {
    for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /** Task removals seen on a WatchApps stream, matched with when each was caused. */
  private record Removals(
      Map<String, Long> sent, Latencies latency, AtomicInteger seen, CountDownLatch snapshot) {}

  /** A discovery-svc process following one Marathon, and a channel to it as the operator. */
  private static final class Discovery implements AutoCloseable {
    private static final String TOKEN = "bench-operator-token-0001";
    final ServiceJar jar;
    final ManagedChannel channel;
    final Channel authorized;
    final long started;
    final long listening;
    long synced;

    private Discovery(ServiceJar jar, ManagedChannel channel, long started) {
      this.jar = jar;
      this.channel = channel;
      this.started = started;
      this.listening = System.nanoTime();
      this.authorized = Tokens.attach(channel, TOKEN);
    }

    static Discovery start(String marathon) {
      int grpc = ServiceJar.freePort();
      long started = System.nanoTime();
      ServiceJar jar =
          ServiceJar.start(
                  "discovery-svc",
                  List.of(
                      "--grpc.server.port=" + grpc,
                      "--micronaut.server.port=" + ServiceJar.freePort(),
                      "--gatehouse.discovery.auth.operator-tokens=" + TOKEN,
                      "--gatehouse.discovery.marathons.default.url=" + marathon,
                      "--gatehouse.discovery.mesos.url=http://127.0.0.1:1"),
                  ServiceJar.plaintext(Map.of()))
              .awaitPort(grpc, Duration.ofSeconds(60));
      return new Discovery(
          jar, NettyChannelBuilder.forAddress("127.0.0.1", grpc).usePlaintext().build(), started);
    }

    /** Waits until discovery-svc holds {@code tasks} tasks (at most 5 minutes). */
    MarathonSyncStatus awaitSync(long tasks) throws InterruptedException {
      MarathonSyncStatus status;
      do {
        status =
            DiscoveryServiceGrpc.newBlockingStub(authorized)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getSyncStatus(GetSyncStatusRequest.getDefaultInstance())
                .getMarathons(0);
        Thread.sleep(20);
      } while (status.getTaskCount() < tasks
          && System.nanoTime() - started < TimeUnit.MINUTES.toNanos(5));
      synced = System.nanoTime();
      return status;
    }

    /** Opens a WatchApps stream that times each task removal against when it was caused. */
    Removals watchRemovals() {
      Removals removals =
          new Removals(
              new ConcurrentHashMap<>(),
              new Latencies(),
              new AtomicInteger(),
              new CountDownLatch(1));
      DiscoveryServiceGrpc.newStub(authorized)
          .watchApps(
              WatchAppsRequest.getDefaultInstance(),
              new StreamObserver<>() {
                @Override
                public void onNext(WatchAppsResponse response) {
                  long now = System.nanoTime();
                  if (response.getSnapshotComplete()) {
                    removals.snapshot().countDown();
                  }
                  for (var change : response.getTaskChangesList()) {
                    Long at = removals.sent().remove(change.getRemovedTaskId());
                    if (at != null) {
                      removals.latency().recordNanos(now - at);
                      removals.seen().incrementAndGet();
                    }
                  }
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              });
      try {
        // deltas queue behind the snapshot: measure from when it is through
        removals.snapshot().await(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return removals;
    }

    @Override
    public void close() {
      channel.shutdownNow();
      jar.close();
    }
  }

  private List<String> taskIds(String marathon) throws Exception {
    String body = send("GET", marathon + "/v2/tasks", null);
    List<String> ids = new ArrayList<>();
    for (var task : JSON.readTree(body).path("tasks")) {
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
