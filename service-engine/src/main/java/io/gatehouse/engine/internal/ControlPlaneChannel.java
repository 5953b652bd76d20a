package io.gatehouse.engine.internal;

import io.gatehouse.grpc.targets.GrpcTargets;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;

/**
 * A gRPC channel to a control-plane service (se-manager-svc, analytics-svc; one address, or its
 * replicas' addresses separated by commas: see {@link GrpcTargets}), secured as {@link
 * ControlPlaneTls} says, whose calls carry the engine's bearer token (read at each call, so a
 * renewed credential is used from the next call on).
 *
 * @param managed the channel itself, to shut down
 * @param authorized the same channel, sending the token on every call
 */
public record ControlPlaneChannel(ManagedChannel managed, Channel authorized) {
  /** A channel to {@code target} with the token of {@code credentials}. */
  public static ControlPlaneChannel to(
      String target, ControlPlaneTls tls, EngineCredentialStore credentials) {
    return to(builder(target, tls).build(), credentials);
  }

  /**
   * As {@link #to(String, ControlPlaneTls, EngineCredentialStore)}, its connection on one of {@code
   * eventLoops}.
   */
  public static ControlPlaneChannel to(
      String target,
      ControlPlaneTls tls,
      EngineCredentialStore credentials,
      EventLoopGroup eventLoops,
      Transport transport) {
    return to(
        builder(target, tls)
            .eventLoopGroup(eventLoops)
            .channelType(transport.socketChannel())
            .build(),
        credentials);
  }

  private static NettyChannelBuilder builder(String target, ControlPlaneTls tls) {
    NettyChannelBuilder builder =
        NettyChannelBuilder.forTarget(GrpcTargets.of(target), tls.credentials());
    if (tls.serverName() != null) {
      builder.overrideAuthority(tls.serverName());
    }
    return builder;
  }

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static ControlPlaneChannel to(ManagedChannel channel, EngineCredentialStore credentials) {
    ClientInterceptor bearer =
        new ClientInterceptor() {
          @Override
          public <Q, S> ClientCall<Q, S> interceptCall(
              MethodDescriptor<Q, S> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(
                next.newCall(method, options)) {
              @Override
              public void start(Listener<S> listener, Metadata headers) {
                String token = credentials.token();
                if (token != null) {
                  headers.put(AUTHORIZATION, "Bearer " + token);
                }
                super.start(listener, headers);
              }
            };
          }
        };
    return new ControlPlaneChannel(channel, ClientInterceptors.intercept(channel, bearer));
  }
}
