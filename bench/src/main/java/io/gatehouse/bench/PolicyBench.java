package io.gatehouse.bench;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.CreateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.LbAlgorithm;
import io.gatehouse.api.policy.v1.ListPoolsRequest;
import io.gatehouse.api.policy.v1.ListVirtualServicesRequest;
import io.gatehouse.api.policy.v1.ListVirtualServicesResponse;
import io.gatehouse.api.policy.v1.ObjectChange;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Server;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.StaticServers;
import io.gatehouse.api.policy.v1.UpdatePoolRequest;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.api.policy.v1.WatchRequest;
import io.gatehouse.api.policy.v1.WatchResponse;
import io.gatehouse.testsupport.RestartablePostgres;
import io.gatehouse.testsupport.ServiceJar;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * policy-svc under load: write throughput and latency with concurrent clients, Watch fan-out
 * latency from commit to delivery, and listing many virtual services in pages with the server's
 * memory. The service runs as its own process against an embedded PostgreSQL.
 */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Benchmark policy-svc.")
final class PolicyBench implements Callable<Integer> {
  private static final String TOKEN = "bench-operator-token-000000000001";

  @Option(names = "--clients", description = "concurrent writers (default: ${DEFAULT-VALUE})")
  int clients = 16;

  @Option(
      names = "--seconds",
      description = "duration of each write phase (default: ${DEFAULT-VALUE})")
  int seconds = 10;

  @Option(
      names = "--watchers",
      description = "Watch streams for the fan-out (default: ${DEFAULT-VALUE})")
  int watchers = 100;

  @Option(
      names = "--changes",
      description = "changes sent to the watchers (default: ${DEFAULT-VALUE})")
  int changes = 200;

  @Option(names = "--virtual-services", description = "objects to list (default: ${DEFAULT-VALUE})")
  int virtualServices = 10_000;

  @Option(names = "--server-heap", description = "policy-svc -Xmx (default: ${DEFAULT-VALUE})")
  String serverHeap = "512m";

  private ManagedChannel channel;
  private int httpPort;

  @Override
  public Integer call() throws Exception {
    int grpcPort = ServiceJar.freePort();
    httpPort = ServiceJar.freePort();
    try (RestartablePostgres postgres = RestartablePostgres.start("gatehouse");
        ServiceJar service =
            ServiceJar.start(
                    "policy-svc",
                    List.of("-Xmx" + serverHeap),
                    List.of(
                        "--grpc.server.port=" + grpcPort,
                        "--micronaut.server.port=" + httpPort,
                        "--datasources.default.url=" + postgres.jdbcUrl("gatehouse"),
                        "--datasources.default.username=postgres"),
                    ServiceJar.plaintext(
                        Map.of(
                            "GATEHOUSE_POLICY_AUTH_OPERATOR_TOKENS",
                            TOKEN,
                            "GATEHOUSE_POLICY_SECRETS_KEY",
                            Base64.getEncoder().encodeToString(new byte[32]))))
                .awaitPort(grpcPort, Duration.ofSeconds(60))) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
      awaitServing(Duration.ofSeconds(60));
      System.out.printf(
          Locale.ROOT,
          "policy-svc (-Xmx%s), embedded PostgreSQL, %d cores shared by server, database and"
              + " clients%n",
          serverHeap,
          Runtime.getRuntime().availableProcessors());
      writes();
      fanOut(grpcPort);
      listing(service);
      System.out.println("server log: " + service.log());
      channel.shutdownNow();
    }
    return 0;
  }

  /** Creates, then updates, pools from concurrent clients for a bounded time. */
  private void writes() throws Exception {
    Latencies createLatency = new Latencies();
    List<List<Pool>> created =
        runClients(
            (client, deadline) -> {
              List<Pool> mine = new ArrayList<>();
              for (int i = 0; System.nanoTime() < deadline && i < 1_000_000; i++) {
                long start = System.nanoTime();
                mine.add(
                    stub()
                        .createPool(
                            CreatePoolRequest.newBuilder()
                                .setPool(pool("w" + client + "-" + i))
                                .build()));
                createLatency.recordNanos(System.nanoTime() - start);
              }
              return mine;
            });
    report("create", createLatency);

    Latencies updateLatency = new Latencies();
    runClients(
        (client, deadline) -> {
          List<Pool> mine = new ArrayList<>(created.get(client));
          for (int i = 0; System.nanoTime() < deadline && i < 1_000_000; i++) {
            int at = i % mine.size();
            Pool current = mine.get(at);
            long start = System.nanoTime();
            Pool next =
                stub()
                    .updatePool(
                        UpdatePoolRequest.newBuilder()
                            .setPool(
                                current.toBuilder()
                                    .setMeta(
                                        current.getMeta().toBuilder()
                                            .setDescription("update " + i)))
                            .build());
            updateLatency.recordNanos(System.nanoTime() - start);
            mine.set(at, next);
          }
          return mine;
        });
    report("update", updateLatency);
  }

  private void report(String what, Latencies latencies) {
    System.out.printf(
        Locale.ROOT,
        "%-7s %d clients, %ds: %.0f ops/s  %s%n",
        what,
        clients,
        seconds,
        latencies.histogram().getTotalCount() / (double) seconds,
        latencies.summary());
  }

  /** Opens many Watch streams and measures each change's commit → delivery time on every one. */
  private void fanOut(int port) throws Exception {
    Pool target =
        stub().createPool(CreatePoolRequest.newBuilder().setPool(pool("fan-out")).build());
    long from =
        stub().listPools(ListPoolsRequest.newBuilder().setPageSize(1).build()).getRevision();
    Latencies delivery = new Latencies();
    AtomicLong received = new AtomicLong();
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    }
    for (int w = 0; w < watchers; w++) {
      PolicyServiceGrpc.newStub(channels.get(w % channels.size()))
          .withCallCredentials(bearer())
          .watch(
              WatchRequest.newBuilder().setFromRevision(from).build(),
              new StreamObserver<>() {
                @Override
                public void onNext(WatchResponse response) {
                  Instant now = Instant.now();
                  for (ObjectChange change : response.getChangesList()) {
                    Timestamp written = change.getObject().getPool().getMeta().getUpdateTime();
                    delivery.recordNanos(
                        Duration.between(
                                Instant.ofEpochSecond(written.getSeconds(), written.getNanos()),
                                now)
                            .toNanos());
                    received.incrementAndGet();
                  }
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              });
    }
    Thread.sleep(1000); // let every stream open before the first change
    Pool current = target;
    for (int i = 0; i < changes; i++) {
      current =
          stub()
              .updatePool(
                  UpdatePoolRequest.newBuilder()
                      .setPool(
                          current.toBuilder()
                              .setMeta(current.getMeta().toBuilder().setDescription("fan " + i)))
                      .build());
      Thread.sleep(10); // measure delivery latency, not a queue
    }
    long expected = (long) watchers * changes;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (received.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    System.out.printf(
        Locale.ROOT,
        "watch   %d watchers x %d changes, delivered %d/%d, commit -> delivery %s%n",
        watchers,
        changes,
        received.get(),
        expected,
        delivery.summary());
    channels.forEach(ManagedChannel::shutdownNow);
  }

  /** Creates many virtual services, then lists them all in pages. */
  private void listing(ServiceJar service) throws Exception {
    stub().createPool(CreatePoolRequest.newBuilder().setPool(pool("list-pool")).build());
    AtomicLong next = new AtomicLong();
    runClients(
        (client, deadline) -> {
          for (long i = next.getAndIncrement(); i < virtualServices; i = next.getAndIncrement()) {
            stub()
                .createVirtualService(
                    CreateVirtualServiceRequest.newBuilder()
                        .setVirtualService(virtualService(i))
                        .build());
          }
          return List.of();
        },
        Duration.ofMinutes(10));
    for (int pageSize : new int[] {1000, 100}) {
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        int count = 0;
        int pages = 0;
        String token = "";
        do {
          ListVirtualServicesResponse page =
              stub()
                  .listVirtualServices(
                      ListVirtualServicesRequest.newBuilder()
                          .setPageSize(pageSize)
                          .setPageToken(token)
                          .build());
          count += page.getVirtualServicesCount();
          pages++;
          token = page.getNextPageToken();
        } while (!token.isEmpty());
        System.out.printf(
            Locale.ROOT,
            "list    %d virtual services in %d pages of %d: %.0f ms%n",
            count,
            pages,
            pageSize,
            (System.nanoTime() - start) / 1e6);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "memory  server RSS %.0f MiB, heap used %.0f MiB (of -Xmx%s)%n",
        service.residentBytes() / 1048576.0,
        metric("jvm_memory_used_bytes", "area=\"heap\"") / 1048576.0,
        serverHeap);
  }

  /** Waits until policy-svc's gRPC health service answers SERVING (its database is ready). */
  private void awaitServing(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      try {
        if (HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus()
            == HealthCheckResponse.ServingStatus.SERVING) {
          return;
        }
      } catch (RuntimeException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("policy-svc not serving after " + timeout);
  }

  /** A metric from policy-svc's Prometheus /metrics, summed over the series matching the filter. */
  private double metric(String name, String labelFilter) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith(name)
          && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')
          && line.contains(labelFilter)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private interface Client<T> {
    T run(int client, long deadlineNanos) throws Exception;
  }

  private <T> List<T> runClients(Client<T> body) throws Exception {
    return runClients(body, Duration.ofSeconds(seconds));
  }

  private <T> List<T> runClients(Client<T> body, Duration duration) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long deadline = System.nanoTime() + duration.toNanos();
    List<Future<T>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      futures.add(pool.submit(() -> body.run(client, deadline)));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get());
    }
    pool.shutdownNow();
    return results;
  }

  private PolicyServiceGrpc.PolicyServiceBlockingStub stub() {
    return PolicyServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(bearer())
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static Pool pool(String name) {
    return Pool.newBuilder()
        .setMeta(ObjectMeta.newBuilder().setName(name))
        .setStaticServers(
            StaticServers.newBuilder()
                .addServers(Server.newBuilder().setIpAddress("10.0.0.1").setPort(8080))
                .addServers(Server.newBuilder().setIpAddress("10.0.0.2").setPort(8080)))
        .setLbAlgorithm(LbAlgorithm.LB_ALGORITHM_LEAST_CONNECTIONS)
        .build();
  }

  private static VirtualService virtualService(long i) {
    return VirtualService.newBuilder()
        .setMeta(ObjectMeta.newBuilder().setName(String.format(Locale.ROOT, "vs-%05d", i)))
        .setEastWest(true)
        .setPoolRef("list-pool")
        .addServices(
            Service.newBuilder().setPort(20000 + (int) i).setProtocol(Protocol.PROTOCOL_HTTP))
        .build();
  }

  private static CallCredentials bearer() {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo info, java.util.concurrent.Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
        applier.apply(headers);
      }
    };
  }
}
