package io.gatehouse.semanager.internal;

import io.gatehouse.api.semanager.v1.Heartbeat;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.Nack;
import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.gatehouse.common.auth.BearerTokenInterceptor;
import io.gatehouse.common.identity.EngineIdentity;
import io.gatehouse.semanager.auth.Role;
import io.gatehouse.semanager.control.ConnectionListener;
import io.gatehouse.semanager.control.ControlGrpcService;
import io.gatehouse.semanager.identity.EngineCredentialIssuer;
import io.gatehouse.semanager.identity.RevocationStore;
import io.gatehouse.semanager.identity.SpentCredentials;
import io.gatehouse.semanager.inventory.ConnectionRecorder;
import io.gatehouse.semanager.inventory.EngineEvents;
import io.gatehouse.semanager.inventory.Inventory;
import io.gatehouse.semanager.lifecycle.Reconciler;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.semanager.push.PropagationListener;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.util.TransmitStatusRuntimeExceptionInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

/** The push, the engines' Connect service, and the gRPC server's shared parts. */
@Factory
final class PushFactory {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PushFactory.class);

  /** How often engines send heartbeats; the reconciler's silence limit is a few of them. */
  static final String HEARTBEAT_INTERVAL = "${gatehouse.semanager.heartbeat-interval:10s}";

  /**
   * The push, reporting propagation times (a Marathon event to each engine's and to every engine's
   * answer) as {@code gatehouse_semanager_propagation_seconds{until="engine"|"all"}}.
   */
  @Singleton
  ConfigPush configPush(MeterRegistry registry) {
    ConfigPush push = new ConfigPush();
    Timer engine = propagation(registry, "engine");
    Timer all = propagation(registry, "all");
    push.onPropagation(
        new PropagationListener() {
          @Override
          public void engineDone(Duration sinceCause) {
            engine.record(sinceCause);
          }

          @Override
          public void allDone(Duration sinceCause) {
            all.record(sinceCause);
          }
        });
    return push;
  }

  private static Timer propagation(MeterRegistry registry, String until) {
    return Timer.builder("gatehouse.semanager.propagation")
        .description("a Marathon event to the engines' answers to the updates it caused")
        .tag("until", until)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  /**
   * The engines' Connect service: their connections go to the inventory, and a lost one wakes the
   * reconciler (when the lifecycle is on) so it can replace the engine without waiting a pass.
   */
  @Singleton
  @Named("control")
  BindableService control(
      ConfigPush push,
      Inventory inventory,
      EngineEvents events,
      @Nullable Reconciler reconciler,
      @Nullable EngineCredentialIssuer issuer,
      @Nullable RevocationStore revocations,
      @Nullable SpentCredentials spent,
      @Value(HEARTBEAT_INTERVAL) Duration heartbeatInterval) {
    ConnectionRecorder recorder = new ConnectionRecorder(inventory, events);
    ConnectionListener listener =
        reconciler == null
            ? recorder
            : new ConnectionListener() {
              @Override
              public void connected(Hello hello) {
                recorder.connected(hello);
              }

              @Override
              public void heartbeat(String seId, Heartbeat heartbeat) {
                recorder.heartbeat(seId, heartbeat);
              }

              @Override
              public void rejected(String seId, Nack nack) {
                recorder.rejected(seId, nack);
              }

              @Override
              public void disconnected(String seId, String why) {
                recorder.disconnected(seId, why);
                reconciler.wake();
              }
            };
    return new ControlGrpcService(
        push,
        managerId(),
        heartbeatInterval,
        () -> Role.current() == Role.SERVICE_ENGINE,
        listener,
        () -> BearerTokenInterceptor.currentIdentity(EngineIdentity.class),
        issuer,
        id ->
            inventory
                .get(id)
                .map(e -> e.state() == ServiceEngineState.SERVICE_ENGINE_STATE_DECOMMISSIONED)
                .orElse(false),
        identity -> refusal(revocations, spent, identity));
  }

  /**
   * Why a verified credential may not open a stream: revoked, or an enrollment already spent (this
   * spends it). When the database cannot tell, the credential is refused, not trusted.
   */
  private static Optional<String> refusal(
      @Nullable RevocationStore revocations,
      @Nullable SpentCredentials spent,
      EngineIdentity identity) {
    try {
      if (revocations != null && revocations.read().revokes(identity)) {
        return Optional.of("was revoked: the engine was decommissioned after it was issued");
      }
      if (identity.use() == EngineIdentity.Use.ENROLL
          && (spent == null || !spent.spend(identity))) {
        return Optional.of("was already used: an enrollment credential opens one stream, once");
      }
      return Optional.empty();
    } catch (java.sql.SQLException e) {
      log.warn(
          "credentials cannot be checked, engine {} is refused: {}", identity.seId(), e.toString());
      return Optional.of("cannot be checked now: try again");
    }
  }

  @Singleton
  @Named("transmit-status")
  ServerInterceptor transmitStatus() {
    return TransmitStatusRuntimeExceptionInterceptor.instance();
  }

  private static String managerId() {
    try {
      return "se-manager@" + InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "se-manager";
    }
  }
}
