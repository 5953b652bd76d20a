package io.gatehouse.engine.control;

import com.google.rpc.Code;
import io.gatehouse.api.semanager.v1.Ack;
import io.gatehouse.api.semanager.v1.ConnectRequest;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.Heartbeat;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.Nack;
import io.gatehouse.api.semanager.v1.RejectedResource;
import io.gatehouse.api.semanager.v1.ResourceUpdate;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.gatehouse.api.semanager.v1.Welcome;
import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.LastGoodConfig;
import io.gatehouse.engine.internal.ControlPlaneChannel;
import io.gatehouse.engine.internal.ControlPlaneTls;
import io.gatehouse.engine.internal.EngineCredentialStore;
import io.gatehouse.engine.internal.LogText;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's control stream to se-manager-svc: hello with the versions it runs, then every update
 * applied (per type, all or what validates) and answered with an ACK of the versions applied and a
 * NACK of those rejected — which keep their last good version. Heartbeats at the interval the
 * manager asks for. A lost stream is reconnected with capped exponential backoff and jitter;
 * traffic never waits for any of this, and the engine serves its last good configuration while the
 * manager is away.
 */
public final class ControlClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlClient.class);

  /**
   * Where and as whom to connect.
   *
   * @param target se-manager-svc's gRPC address, host:port
   * @param tls how the channel is secured
   * @param credentials the engine's bearer token, and where renewed credentials go
   * @param seId this engine's id
   * @param seGroup the SE group it belongs to ("" for the default): it gets the north-south
   *     services of that group
   * @param hostname this node's name, for the manager's inventory
   * @param nodeId this node's Mesos agent id ("" when not known)
   * @param minBackoff first reconnect delay
   * @param maxBackoff longest reconnect delay
   */
  public record Settings(
      String target,
      ControlPlaneTls tls,
      EngineCredentialStore credentials,
      String seId,
      String seGroup,
      String hostname,
      String nodeId,
      Duration minBackoff,
      Duration maxBackoff) {}

  private final ServiceEngine engine;
  private final LoadMeter load;
  private final Settings settings;
  private final LastGoodConfig lastGood;
  private final ManagedChannel channel;
  private final ServiceEngineControlGrpc.ServiceEngineControlStub stub;
  private final ResourceState state = new ResourceState();
  private final ScheduledExecutorService control =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "se-control");
            t.setDaemon(true);
            return t;
          });
  private StreamObserver<ConnectRequest> requests;
  private ScheduledFuture<?> heartbeats;
  private Duration backoff;
  private volatile boolean connected;
  private volatile boolean closed;

  /**
   * @param lastGood where each applied configuration is kept; null keeps none
   */
  /**
   * @param load the figures each heartbeat carries
   * @param lastGood where the last applied configuration is kept; null: nowhere
   */
  public ControlClient(
      ServiceEngine engine, Settings settings, LoadMeter load, LastGoodConfig lastGood) {
    this.engine = engine;
    this.load = load;
    this.settings = settings;
    this.lastGood = lastGood;
    this.backoff = settings.minBackoff();
    ControlPlaneChannel manager =
        ControlPlaneChannel.to(settings.target(), settings.tls(), settings.credentials());
    this.channel = manager.managed();
    this.stub = ServiceEngineControlGrpc.newStub(manager.authorized());
  }

  public ControlClient start() {
    control.execute(this::connect);
    return this;
  }

  /** Whether the stream is up and the manager has welcomed this engine. */
  /** The control stream's figure for /metrics: whether it is connected. */
  public io.prometheus.metrics.model.registry.MultiCollector metrics() {
    return () ->
        io.prometheus.metrics.model.snapshots.MetricSnapshots.of(
            io.gatehouse.engine.admin.Gauges.of(
                "gatehouse_se_control_connected",
                "1 while the control stream to se-manager-svc is up, 0 while it is away (the"
                    + " engine serves its last good configuration)",
                connected() ? 1 : 0));
  }

  public boolean connected() {
    return connected;
  }

  private void connect() {
    if (closed) {
      return;
    }
    AtomicReference<StreamObserver<ConnectRequest>> self = new AtomicReference<>();
    requests =
        stub.connect(
            new StreamObserver<>() {
              @Override
              public void onNext(ConnectResponse response) {
                onControlThread(() -> handle(response, self.get()));
              }

              @Override
              public void onError(Throwable t) {
                io.grpc.Status.Code code = io.grpc.Status.fromThrowable(t).getCode();
                if (code == io.grpc.Status.Code.PERMISSION_DENIED
                    || code == io.grpc.Status.Code.UNAUTHENTICATED) {
                  settings.credentials().refused();
                }
                onControlThread(() -> lost(self.get(), t.getMessage()));
              }

              @Override
              public void onCompleted() {
                onControlThread(() -> lost(self.get(), "the manager ended the stream"));
              }
            });
    self.set(requests);
    requests.onNext(
        ConnectRequest.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setSeId(settings.seId())
                    .setSeGroup(settings.seGroup())
                    .setHostname(settings.hostname())
                    .setNodeId(settings.nodeId())
                    .setVersion("gatehouse-service-engine")
                    .addAllResources(state.versions()))
            .build());
  }

  private void handle(ConnectResponse response, StreamObserver<ConnectRequest> stream) {
    if (stream != requests || closed) {
      return; // from a stream already given up
    }
    switch (response.getMessageCase()) {
      case WELCOME -> welcomed(response.getWelcome());
      case UPDATE -> update(response.getUpdate());
      case ENDPOINT_UPDATE -> endpoints(response.getEndpointUpdate());
      case DRAIN -> drain(response.getDrain(), stream);
      case CREDENTIAL -> settings.credentials().update(response.getCredential());
      case MESSAGE_NOT_SET -> log.debug("ignoring an empty message from the manager");
    }
  }

  /**
   * The manager is about to remove this engine: no new connections from now on; once the open ones
   * have ended, or the order's deadline has passed, the manager hears how many were left (they
   * close when the engine stops).
   */
  private void drain(
      io.gatehouse.api.semanager.v1.DrainOrder order, StreamObserver<ConnectRequest> stream) {
    Duration deadline =
        order.hasDeadline()
            ? Duration.ofSeconds(order.getDeadline().getSeconds(), order.getDeadline().getNanos())
            : Duration.ofSeconds(30);
    engine.stopAccepting();
    log.info(
        "draining ({}): listeners closed; {} connections open get {} to finish",
        order.getReason().isEmpty() ? "the manager asked" : order.getReason(),
        engine.openConnections(),
        deadline);
    long until = System.nanoTime() + deadline.toNanos();
    ScheduledFuture<?>[] watch = new ScheduledFuture<?>[1];
    watch[0] =
        control.scheduleWithFixedDelay(
            () -> {
              long open = engine.openConnections();
              if (open > 0 && System.nanoTime() < until) {
                return;
              }
              watch[0].cancel(false);
              log.info("drained; {} connections were still open at the deadline", open);
              try {
                stream.onNext(
                    ConnectRequest.newBuilder()
                        .setDrainComplete(
                            io.gatehouse.api.semanager.v1.DrainComplete.newBuilder()
                                .setForcedCloses(open))
                        .build());
              } catch (RuntimeException e) { // the stream ended meanwhile: nobody waits
                log.debug("drain completion not sent: {}", e.toString());
              }
            },
            0,
            100,
            TimeUnit.MILLISECONDS);
  }

  private void welcomed(Welcome welcome) {
    connected = true;
    backoff = settings.minBackoff();
    log.info(
        "connected to se-manager-svc at {} (replica {}) as {}",
        settings.target(),
        LogText.printable(welcome.getManagerId(), 100),
        settings.seId());
    com.google.protobuf.Duration interval = welcome.getHeartbeatInterval();
    long every = Math.max(1000, interval.getSeconds() * 1000 + interval.getNanos() / 1_000_000);
    if (heartbeats != null) {
      heartbeats.cancel(false);
    }
    StreamObserver<ConnectRequest> stream = requests;
    heartbeats =
        control.scheduleAtFixedRate(
            () -> {
              try {
                if (stream == requests) {
                  stream.onNext(
                      ConnectRequest.newBuilder()
                          .setHeartbeat(Heartbeat.newBuilder().setTime(now()).setLoad(load.read()))
                          .build());
                }
              } catch (RuntimeException e) { // the stream ended meanwhile: the next one beats
                log.debug("heartbeat not sent: {}", e.toString());
              }
            },
            every,
            every,
            TimeUnit.MILLISECONDS);
  }

  /** A pool that lost endpoints: applied like the whole pool at the new version. */
  private void endpoints(io.gatehouse.api.semanager.v1.EndpointUpdate update) {
    ResourceUpdate expanded = state.expand(update);
    if (expanded != null) {
      update(expanded);
      return;
    }
    requests.onNext(
        ConnectRequest.newBuilder()
            .setNack(
                Nack.newBuilder()
                    .setNonce(update.getNonce())
                    .setType(io.gatehouse.api.semanager.v1.ResourceType.RESOURCE_TYPE_POOL)
                    .addRejected(
                        RejectedResource.newBuilder()
                            .setResource(
                                io.gatehouse.api.semanager.v1.ResourceVersion.newBuilder()
                                    .setType(
                                        io.gatehouse.api.semanager.v1.ResourceType
                                            .RESOURCE_TYPE_POOL)
                                    .setName(update.getPool())
                                    .setVersion(update.getVersion()))
                            .setErrorDetail(
                                com.google.rpc.Status.newBuilder()
                                    .setCode(Code.FAILED_PRECONDITION_VALUE)
                                    .setMessage(
                                        "this engine does not run base version "
                                            + update.getBaseVersion()
                                            + " of pool "
                                            + update.getPool()))))
            .build());
  }

  private void update(ResourceUpdate update) {
    ResourceState.Outcome outcome =
        state.apply(update, config -> engine.apply(config).failedServices());
    if (!outcome.applied().isEmpty() || outcome.rejected().isEmpty()) {
      requests.onNext(
          ConnectRequest.newBuilder()
              .setAck(
                  Ack.newBuilder()
                      .setNonce(update.getNonce())
                      .setType(update.getType())
                      .addAllApplied(outcome.applied()))
              .build());
    }
    if (!outcome.rejected().isEmpty()) {
      Nack.Builder nack = Nack.newBuilder().setNonce(update.getNonce()).setType(update.getType());
      for (ResourceState.Rejection rejection : outcome.rejected()) {
        log.warn(
            "rejected {} {} version {}: {}",
            rejection.resource().getType(),
            rejection.resource().getName(),
            rejection.resource().getVersion(),
            rejection.error());
        nack.addRejected(
            RejectedResource.newBuilder()
                .setResource(rejection.resource())
                .setErrorDetail(
                    com.google.rpc.Status.newBuilder()
                        .setCode(Code.INVALID_ARGUMENT_VALUE)
                        .setMessage(rejection.error()))
                .setLastGoodVersion(rejection.lastGoodVersion()));
      }
      requests.onNext(ConnectRequest.newBuilder().setNack(nack).build());
    }
    if (lastGood != null) {
      try {
        lastGood.save(engine.current());
      } catch (IOException e) {
        log.warn(
            "cannot keep the last good configuration in {}: {}", lastGood.file(), e.getMessage());
      }
    }
  }

  private void lost(StreamObserver<ConnectRequest> stream, String why) {
    if (stream != requests || closed) {
      return;
    }
    connected = false;
    if (heartbeats != null) {
      heartbeats.cancel(false);
    }
    long jittered = (long) (backoff.toMillis() * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
    log.warn(
        "control stream lost ({}); reconnecting in {} ms, serving the last good configuration",
        why,
        jittered);
    control.schedule(this::connect, jittered, TimeUnit.MILLISECONDS);
    backoff =
        backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
            ? settings.maxBackoff()
            : backoff.multipliedBy(2);
  }

  /** Runs {@code task} on the control thread, unless the client is closing. */
  private void onControlThread(Runnable task) {
    if (closed) {
      return;
    }
    try {
      control.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: the stream's last callbacks have nowhere to go, and need none
    }
  }

  private static com.google.protobuf.Timestamp now() {
    java.time.Instant now = java.time.Instant.now();
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(now.getEpochSecond())
        .setNanos(now.getNano())
        .build();
  }

  @Override
  public void close() {
    closed = true;
    control.execute(
        () -> {
          if (requests != null) {
            requests.onCompleted();
          }
        });
    control.shutdown();
    try {
      control.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.shutdownNow();
  }
}
