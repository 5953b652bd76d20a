package io.gatehouse.bench;

import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.CreateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.MarathonAppMembers;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.api.semanager.v1.Ack;
import io.gatehouse.api.semanager.v1.ConnectRequest;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ResourceUpdate;
import io.gatehouse.api.semanager.v1.ResourceVersion;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.gatehouse.testsupport.EngineAcks;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.SeManagerProcess;
import io.gatehouse.testsupport.ServiceJar;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * se-manager-svc pushing to a fleet: policy-svc (a real process) holds the virtual services and
 * their Marathon-app pools; a stand-in discovery-svc in this process serves the apps' tasks and, on
 * cue, a task removal stamped with its cause time; se-manager-svc (a real process) follows both and
 * pushes to many in-process engines that acknowledge every update at once. Measured: each engine's
 * first full state after connecting, the time from a task removal to the last engine's
 * acknowledgement of the update it caused, a reconnecting engine's full state, and the manager's
 * memory.
 */
@Command(
    name = "semanager",
    mixinStandardHelpOptions = true,
    description = "Benchmark se-manager-svc's configuration push.")
final class SeManagerBench implements Callable<Integer> {
  @Option(names = "--engines", description = "connected engines (default: ${DEFAULT-VALUE})")
  int engines = 50;

  @Option(
      names = "--virtual-services",
      description = "east-west virtual services, each with an app pool (default: ${DEFAULT-VALUE})")
  int virtualServices = 2000;

  @Option(names = "--tasks", description = "tasks per app (default: ${DEFAULT-VALUE})")
  int tasks = 3;

  @Option(names = "--kills", description = "task removals timed (default: ${DEFAULT-VALUE})")
  int kills = 200;

  @Option(
      names = "--warm-up",
      description =
          "task removals made first and not timed, after the connect storm: the manager's JIT"
              + " and heap settle (default: ${DEFAULT-VALUE})")
  int warmUp = 200;

  @Option(names = "--server-heap", description = "se-manager-svc -Xmx (default: ${DEFAULT-VALUE})")
  String serverHeap = "512m";

  @Option(
      names = "--server-jvm-option",
      description = "another se-manager-svc JVM option, e.g. to record a flight recording")
  List<String> serverJvmOptions = new java.util.ArrayList<>();

  private final List<EngineClient> clients = new CopyOnWriteArrayList<>();

  @Override
  public Integer call() throws Exception {
    try (PolicyServiceProcess policy = PolicyServiceProcess.start()) {
      long created = System.nanoTime();
      createPolicy(policy);
      System.out.printf(
          Locale.ROOT,
          "policy-svc: %d virtual services and %d pools created in %.1f s%n",
          virtualServices,
          virtualServices,
          (System.nanoTime() - created) / 1e9);
      StandInDiscovery discovery = new StandInDiscovery(virtualServices, tasks);
      Server discoveryServer =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", ServiceJar.freePort()))
              .addService(discovery)
              .build()
              .start();
      try (SeManagerProcess manager =
          SeManagerProcess.start(
              java.util.stream.Stream.concat(
                      java.util.stream.Stream.of("-Xmx" + serverHeap), serverJvmOptions.stream())
                  .toList(),
              policy.target(),
              "127.0.0.1:" + discoveryServer.getPort(),
              List.of("--gatehouse.semanager.policy.east-west-address=127.0.0.1"))) {
        ManagedChannel channel =
            NettyChannelBuilder.forTarget(manager.target())
                .usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
        try {
          long rssAlone = manager.residentBytes();
          connectAll(channel);
          System.out.printf(
              Locale.ROOT,
              "manager RSS with %d engines connected: %.0f MiB (-Xmx%s)%n",
              engines,
              manager.residentBytes() / 1048576.0,
              serverHeap);
          killTasks(discovery, 0, warmUp, "warm-up, not timed below");
          java.time.Duration cpuBefore = manager.cpuTime();
          killTasks(discovery, warmUp, kills, "one at a time");
          double cpuPerChange = (manager.cpuTime().minus(cpuBefore).toNanos() / 1e6) / kills;
          System.out.printf(
              Locale.ROOT,
              "manager CPU per task removal: %.2f ms (%.1f us per engine); memory per engine:"
                  + " %.2f MiB (RSS before the engines connected: %.0f MiB)%n",
              cpuPerChange,
              cpuPerChange * 1000 / engines,
              (manager.residentBytes() - rssAlone) / 1048576.0 / engines,
              rssAlone / 1048576.0);
          reconnect(channel);
          System.out.printf(
              Locale.ROOT,
              "manager RSS at the end: %.0f MiB%n",
              manager.residentBytes() / 1048576.0);
        } finally {
          clients.forEach(EngineClient::close);
          channel.shutdownNow();
        }
      } finally {
        discoveryServer.shutdownNow();
      }
    }
    return 0;
  }

  private void createPolicy(PolicyServiceProcess policy) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(policy.target()).usePlaintext().build();
    try {
      var stub =
          PolicyServiceGrpc.newBlockingStub(Tokens.attach(channel, PolicyServiceProcess.OPERATOR));
      for (int i = 0; i < virtualServices; i++) {
        String name = "app-" + i;
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .createPool(
                CreatePoolRequest.newBuilder()
                    .setPool(
                        Pool.newBuilder()
                            .setMeta(ObjectMeta.newBuilder().setName(name))
                            .setMarathonApp(MarathonAppMembers.newBuilder().setAppId("/" + name)))
                    .build());
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .createVirtualService(
                CreateVirtualServiceRequest.newBuilder()
                    .setVirtualService(
                        VirtualService.newBuilder()
                            .setMeta(ObjectMeta.newBuilder().setName(name))
                            .setEastWest(true)
                            .addServices(
                                Service.newBuilder()
                                    .setPort(10_000 + i)
                                    .setProtocol(Protocol.PROTOCOL_HTTP))
                            .setPoolRef(name))
                    .build());
      }
    } finally {
      channel.shutdownNow();
    }
  }

  /** Connects every engine at once and waits until each has applied the whole configuration. */
  private void connectAll(ManagedChannel channel) throws InterruptedException {
    Latencies fullState = new Latencies();
    long start = System.nanoTime();
    CountDownLatch complete = new CountDownLatch(engines);
    for (int i = 0; i < engines; i++) {
      EngineClient client = new EngineClient(channel, "bench-se-" + i, virtualServices);
      clients.add(client);
      client.connect(fullState, complete);
    }
    if (!complete.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException(
          complete.getCount() + " engines did not get their full state within 5 minutes");
    }
    System.out.printf(
        Locale.ROOT,
        "%d engines connected at once: all hold %d virtual services + %d pools after %.2f s;"
            + " per engine, connect -> full state: %s%n",
        engines,
        virtualServices,
        virtualServices,
        (System.nanoTime() - start) / 1e9,
        fullState.summary());
  }

  /**
   * Removes {@code count} tasks one after another, from the {@code from}th; times each to the last
   * engine's acknowledgement.
   */
  private void killTasks(StandInDiscovery discovery, int from, int count, String what)
      throws InterruptedException {
    Latencies toLastAck = new Latencies();
    Latencies toFirstAck = new Latencies();
    int timedOut = 0;
    for (int k = from; k < from + count; k++) {
      int app = (k * 7919) % virtualServices;
      String pool = "app-" + app;
      CountDownLatch acked = new CountDownLatch(engines);
      AtomicLong first = new AtomicLong(Long.MAX_VALUE);
      AtomicLong last = new AtomicLong();
      clients.forEach(c -> c.expect(pool, acked, first, last));
      long cause = System.nanoTime();
      discovery.removeTask(app);
      if (!acked.await(10, TimeUnit.SECONDS)) {
        timedOut++;
        continue;
      }
      toFirstAck.recordNanos(first.get() - cause);
      toLastAck.recordNanos(last.get() - cause);
    }
    System.out.printf(
        Locale.ROOT,
        "task removal -> acknowledged by all %d engines (%d removals, %s): %s;"
            + " first engine: %s%s%n",
        engines,
        count,
        what,
        toLastAck.summary(),
        toFirstAck.summary(),
        timedOut == 0 ? "" : "; " + timedOut + " not acknowledged by all within 10 s");
  }

  /** One engine reconnects with nothing: the time until it holds the whole configuration. */
  private void reconnect(ManagedChannel channel) throws InterruptedException {
    Latencies fullState = new Latencies();
    for (int round = 0; round < 5; round++) {
      EngineClient old = clients.remove(0);
      old.close();
      EngineClient fresh = new EngineClient(channel, old.seId, virtualServices);
      clients.add(fresh);
      CountDownLatch complete = new CountDownLatch(1);
      fresh.connect(fullState, complete);
      if (!complete.await(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the reconnecting engine got no full state in a minute");
      }
    }
    System.out.printf(
        Locale.ROOT,
        "a reconnecting engine (5 rounds), connect -> full state of %d resources (%.1f MiB): %s%n",
        virtualServices * 2,
        clients.get(clients.size() - 1).fullStateBytes / 1048576.0,
        fullState.summary());
  }

  /** An engine that acknowledges every update as soon as it arrives. */
  private static final class EngineClient {
    private final Channel channel;
    private final String seId;
    private final int expectedServices;
    private final AtomicReference<Expectation> expectation = new AtomicReference<>();
    private StreamObserver<ConnectRequest> requests;
    private volatile long fullStateBytes;

    private record Expectation(
        String pool, CountDownLatch acked, AtomicLong first, AtomicLong last) {}

    EngineClient(ManagedChannel channel, String seId, int expectedServices) {
      this.channel = Tokens.attach(channel, SeManagerProcess.ENGINE);
      this.seId = seId;
      this.expectedServices = expectedServices;
    }

    void expect(String pool, CountDownLatch acked, AtomicLong first, AtomicLong last) {
      expectation.set(new Expectation(pool, acked, first, last));
    }

    void connect(Latencies fullState, CountDownLatch complete) {
      long start = System.nanoTime();
      int[] services = {0};
      int[] pools = {0};
      long[] bytes = {0};
      boolean[] done = {false};
      requests =
          ServiceEngineControlGrpc.newStub(channel)
              .connect(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ConnectResponse response) {
                      if (response.hasUpdate()) {
                        ResourceUpdate update = response.getUpdate();
                        ack(EngineAcks.applying(update));
                        if (!done[0]) {
                          bytes[0] += update.getSerializedSize();
                          if (update.getType() == ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE) {
                            services[0] += update.getResourcesCount();
                          } else if (update.getType() == ResourceType.RESOURCE_TYPE_POOL) {
                            pools[0] += update.getResourcesCount();
                          }
                          if (services[0] >= expectedServices && pools[0] >= expectedServices) {
                            done[0] = true;
                            fullStateBytes = bytes[0];
                            fullState.recordNanos(System.nanoTime() - start);
                            complete.countDown();
                          }
                        }
                        update.getResourcesList().forEach(r -> touched(r.getName()));
                      } else if (response.hasEndpointUpdate()) {
                        var update = response.getEndpointUpdate();
                        requests.onNext(
                            ConnectRequest.newBuilder()
                                .setAck(
                                    Ack.newBuilder()
                                        .setNonce(update.getNonce())
                                        .setType(ResourceType.RESOURCE_TYPE_POOL)
                                        .addApplied(
                                            ResourceVersion.newBuilder()
                                                .setType(ResourceType.RESOURCE_TYPE_POOL)
                                                .setName(update.getPool())
                                                .setVersion(update.getVersion())))
                                .build());
                        touched(update.getPool());
                      }
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(
          ConnectRequest.newBuilder()
              .setHello(Hello.newBuilder().setSeId(seId).setHostname(seId))
              .build());
    }

    private void ack(Ack ack) {
      synchronized (this) {
        requests.onNext(ConnectRequest.newBuilder().setAck(ack).build());
      }
    }

    /** An update of {@code pool} was acknowledged: it counts if the bench waits for it. */
    private void touched(String pool) {
      Expectation e = expectation.get();
      if (e != null && e.pool().equals(pool) && expectation.compareAndSet(e, null)) {
        long now = System.nanoTime();
        e.first().accumulateAndGet(now, Math::min);
        e.last().accumulateAndGet(now, Math::max);
        e.acked().countDown();
      }
    }

    void close() {
      try {
        requests.onCompleted();
      } catch (RuntimeException e) {
        // already closed
      }
    }
  }
}
