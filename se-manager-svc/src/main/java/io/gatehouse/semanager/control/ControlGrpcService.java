package io.gatehouse.semanager.control;

import com.google.protobuf.Duration;
import io.gatehouse.api.semanager.v1.ConnectRequest;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.gatehouse.api.semanager.v1.Welcome;
import io.gatehouse.common.identity.EngineIdentity;
import io.gatehouse.semanager.identity.EngineCredentialIssuer;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.semanager.push.EngineStream;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ServiceEngineControl.Connect}: an engine says hello, is welcomed with the heartbeat
 * interval, and from then on gets its configuration from {@link ConfigPush}, answering each update
 * with an ACK or a NACK. The first message must be the hello.
 *
 * <p>An engine calling with a credential ({@link EngineIdentity}) is the engine it names: a hello
 * for another engine or group is refused, so it receives only its own group's configuration and
 * keys and acts only on its own session. It is sent a session credential after the welcome and a
 * new one at each {@link EngineCredentialIssuer#renewEvery}. A decommissioned engine is refused,
 * and its stream ends at its next heartbeat.
 */
public final class ControlGrpcService
    extends ServiceEngineControlGrpc.ServiceEngineControlImplBase {
  private static final Logger log = LoggerFactory.getLogger(ControlGrpcService.class);

  private final ConfigPush push;
  private final String managerId;
  private final java.time.Duration heartbeatInterval;
  private final BooleanSupplier callerIsEngine;
  private final ConnectionListener listener;
  private final Supplier<Optional<EngineIdentity>> callerIdentity;
  private final EngineCredentialIssuer issuer;
  private final Predicate<String> decommissioned;
  private final Function<EngineIdentity, Optional<String>> refusal;
  private final ScheduledExecutorService renewals =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "engine-credential-renewals");
            thread.setDaemon(true);
            return thread;
          });

  /** A service that lets every caller connect (no authentication in front of it). */
  public ControlGrpcService(
      ConfigPush push, String managerId, java.time.Duration heartbeatInterval) {
    this(
        push,
        managerId,
        heartbeatInterval,
        () -> true,
        ConnectionListener.NONE,
        Optional::empty,
        null,
        engine -> false,
        identity -> Optional.empty());
  }

  /**
   * @param callerIsEngine whether the caller of the current call may connect as an engine
   * @param listener hears connections, heartbeats, rejections and disconnections
   * @param callerIdentity the engine the credential of the current call names; empty for a caller
   *     with a configured engine token
   * @param issuer issues session credentials; null: none are given
   * @param decommissioned whether an engine id has been decommissioned
   * @param refusal why a verified credential may not open a stream (revoked, an enrollment already
   *     used; asking spends an enrollment), or empty when it may
   */
  public ControlGrpcService(
      ConfigPush push,
      String managerId,
      java.time.Duration heartbeatInterval,
      BooleanSupplier callerIsEngine,
      ConnectionListener listener,
      Supplier<Optional<EngineIdentity>> callerIdentity,
      EngineCredentialIssuer issuer,
      Predicate<String> decommissioned,
      Function<EngineIdentity, Optional<String>> refusal) {
    this.push = push;
    this.managerId = managerId;
    this.heartbeatInterval = heartbeatInterval;
    this.callerIsEngine = callerIsEngine;
    this.listener = listener;
    this.callerIdentity = callerIdentity;
    this.issuer = issuer;
    this.decommissioned = decommissioned;
    this.refusal = refusal;
  }

  @Override
  public StreamObserver<ConnectRequest> connect(StreamObserver<ConnectResponse> out) {
    if (!callerIsEngine.getAsBoolean()) {
      out.onError(
          Status.PERMISSION_DENIED
              .withDescription("Connect is for service engines: use an engine token")
              .asRuntimeException());
      return new StreamObserver<>() {
        @Override
        public void onNext(ConnectRequest value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
    Optional<EngineIdentity> identity = callerIdentity.get();
    // The push sends to every engine in one pass: an engine that cancelled its call must not throw
    // at the pass (and so at the engines after it) in the moment before its stream is seen to end
    // (onError, below, takes it out of the push). With a cancel handler, gRPC drops those sends.
    ((ServerCallStreamObserver<ConnectResponse>) out).setOnCancelHandler(() -> {});
    return new StreamObserver<>() {
      private String engine;
      private String group;
      private ScheduledFuture<?> renewal;
      private volatile boolean ended;
      private final EngineStream stream =
          message -> {
            synchronized (out) { // updates come from the push, welcome and credentials from here
              if (!ended) { // a renewal may race the stream's end
                out.onNext(message);
              }
            }
          };

      @Override
      public void onNext(ConnectRequest request) {
        if (engine == null && !request.hasHello()) {
          out.onError(
              Status.FAILED_PRECONDITION
                  .withDescription("the first message on Connect must be a hello")
                  .asRuntimeException());
          return;
        }
        switch (request.getMessageCase()) {
          case HELLO -> hello(request);
          case ACK -> push.ack(engine, request.getAck());
          case NACK -> {
            push.nack(engine, request.getNack());
            listener.rejected(engine, request.getNack());
          }
          case HEARTBEAT -> {
            if (decommissioned.test(engine)) {
              end(
                  Status.PERMISSION_DENIED.withDescription(
                      "engine " + engine + " is decommissioned"));
              return;
            }
            listener.heartbeat(engine, request.getHeartbeat());
          }
          case DRAIN_COMPLETE -> push.drained(engine, request.getDrainComplete().getForcedCloses());
          case MESSAGE_NOT_SET -> {
            // nothing to do
          }
        }
      }

      private void hello(ConnectRequest request) {
        if (engine != null) {
          out.onError(
              Status.FAILED_PRECONDITION
                  .withDescription("hello was already sent")
                  .asRuntimeException());
          return;
        }
        String seId = request.getHello().getSeId();
        if (seId.isBlank()) {
          out.onError(
              Status.INVALID_ARGUMENT
                  .withDescription("hello.se_id: is required")
                  .asRuntimeException());
          return;
        }
        String seGroup = request.getHello().getSeGroup();
        if (identity.isPresent() && !identity.get().names(seId, seGroup)) {
          out.onError(
              Status.PERMISSION_DENIED
                  .withDescription(
                      "hello.se_id, hello.se_group: this engine's credential names "
                          + (identity.get().seId() == null
                              ? "an engine of group " + identity.get().group()
                              : identity.get().seId() + " of group " + identity.get().group()))
                  .asRuntimeException());
          return;
        }
        if (decommissioned.test(seId)) {
          out.onError(
              Status.PERMISSION_DENIED
                  .withDescription("engine " + seId + " is decommissioned")
                  .asRuntimeException());
          return;
        }
        Optional<String> refused = identity.flatMap(refusal); // last: it spends an enrollment
        if (refused.isPresent()) {
          out.onError(
              Status.PERMISSION_DENIED
                  .withDescription("this credential of engine " + seId + " " + refused.get())
                  .asRuntimeException());
          return;
        }
        engine = seId;
        group = seGroup;
        listener.connected(request.getHello());
        log.info("engine {} connected ({})", seId, request.getHello().getHostname());
        stream.send(
            ConnectResponse.newBuilder()
                .setWelcome(
                    Welcome.newBuilder()
                        .setManagerId(managerId)
                        .setHeartbeatInterval(
                            Duration.newBuilder()
                                .setSeconds(heartbeatInterval.getSeconds())
                                .setNanos(heartbeatInterval.getNano())))
                .build());
        if (issuer != null && identity.isPresent()) {
          renew();
          renewal =
              renewals.scheduleAtFixedRate(
                  this::renew,
                  issuer.renewEvery().toMillis(),
                  issuer.renewEvery().toMillis(),
                  TimeUnit.MILLISECONDS);
        }
        push.connect(
            new ConfigPush.EngineInfo(
                seId,
                request.getHello().getSeGroup(),
                request.getHello().getHostname(),
                request.getHello().getNodeId()),
            request.getHello().getResourcesList(),
            stream);
      }

      /** Sends a session credential; a decommissioned engine gets none and its stream ends. */
      private void renew() {
        if (ended) {
          return;
        }
        if (decommissioned.test(engine)) {
          end(Status.PERMISSION_DENIED.withDescription("engine " + engine + " is decommissioned"));
          return;
        }
        stream.send(
            ConnectResponse.newBuilder().setCredential(issuer.session(engine, group)).build());
      }

      private void end(Status status) {
        if (ended) {
          return;
        }
        gone(status.toString());
        synchronized (out) {
          out.onError(status.asRuntimeException());
        }
      }

      @Override
      public void onError(Throwable t) {
        gone(Status.fromThrowable(t).toString());
      }

      @Override
      public void onCompleted() {
        gone("the engine closed its stream");
        synchronized (out) {
          out.onCompleted();
        }
      }

      private void gone(String why) {
        if (ended) {
          return;
        }
        ended = true;
        if (renewal != null) {
          renewal.cancel(false);
        }
        if (engine != null) {
          push.disconnect(engine, stream);
          listener.disconnected(engine, why);
          log.info("engine {} disconnected: {}", engine, why);
        }
      }
    };
  }
}
