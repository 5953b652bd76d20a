package io.gatehouse.semanager.control;

import com.google.protobuf.Duration;
import io.gatehouse.api.semanager.v1.ConnectRequest;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.gatehouse.api.semanager.v1.Welcome;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.semanager.push.EngineStream;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ServiceEngineControl.Connect}: an engine says hello, is welcomed with the heartbeat
 * interval, and from then on gets its configuration from {@link ConfigPush}, answering each update
 * with an ACK or a NACK. The first message must be the hello.
 */
public final class ControlGrpcService
    extends ServiceEngineControlGrpc.ServiceEngineControlImplBase {
  private static final Logger log = LoggerFactory.getLogger(ControlGrpcService.class);

  private final ConfigPush push;
  private final String managerId;
  private final java.time.Duration heartbeatInterval;
  private final BooleanSupplier callerIsEngine;
  private final ConnectionListener listener;

  /** A service that lets every caller connect (no authentication in front of it). */
  public ControlGrpcService(
      ConfigPush push, String managerId, java.time.Duration heartbeatInterval) {
    this(push, managerId, heartbeatInterval, () -> true, ConnectionListener.NONE);
  }

  /**
   * @param callerIsEngine whether the caller of the current call may connect as an engine
   * @param listener hears connections, heartbeats, rejections and disconnections
   */
  public ControlGrpcService(
      ConfigPush push,
      String managerId,
      java.time.Duration heartbeatInterval,
      BooleanSupplier callerIsEngine,
      ConnectionListener listener) {
    this.push = push;
    this.managerId = managerId;
    this.heartbeatInterval = heartbeatInterval;
    this.callerIsEngine = callerIsEngine;
    this.listener = listener;
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
    return new StreamObserver<>() {
      private String engine;
      private final EngineStream stream =
          message -> {
            synchronized (out) { // updates come from the push, welcome from this stream
              out.onNext(message);
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
          case HEARTBEAT -> listener.heartbeat(engine);
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
        engine = seId;
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
        push.connect(
            new ConfigPush.EngineInfo(
                seId,
                request.getHello().getSeGroup(),
                request.getHello().getHostname(),
                request.getHello().getNodeId()),
            stream);
      }

      @Override
      public void onError(Throwable t) {
        gone(Status.fromThrowable(t).toString());
      }

      @Override
      public void onCompleted() {
        gone("the engine closed its stream");
        out.onCompleted();
      }

      private void gone(String why) {
        if (engine != null) {
          push.disconnect(engine, stream);
          listener.disconnected(engine, why);
          log.info("engine {} disconnected: {}", engine, why);
        }
      }
    };
  }
}
