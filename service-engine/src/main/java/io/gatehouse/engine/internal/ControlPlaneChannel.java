package io.gatehouse.engine.internal;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoopGroup;

/**
 * A gRPC channel to a control-plane service (se-manager-svc, analytics-svc), secured as {@link
 * ControlPlaneTls} says, whose calls carry the engine's bearer token.
 *
 * @param managed the channel itself, to shut down
 * @param authorized the same channel, sending the token on every call
 */
public record ControlPlaneChannel(ManagedChannel managed, Channel authorized) {
  /** A channel to {@code target}; {@code token} null sends none. */
  public static ControlPlaneChannel to(String target, ControlPlaneTls tls, String token) {
    return to(builder(target, tls).build(), token);
  }

  /**
   * As {@link #to(String, ControlPlaneTls, String)}, its connection on one of {@code eventLoops}.
   */
  public static ControlPlaneChannel to(
      String target,
      ControlPlaneTls tls,
      String token,
      EventLoopGroup eventLoops,
      Transport transport) {
    return to(
        builder(target, tls)
            .eventLoopGroup(eventLoops)
            .channelType(transport.socketChannel())
            .build(),
        token);
  }

  private static NettyChannelBuilder builder(String target, ControlPlaneTls tls) {
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target, tls.credentials());
    if (tls.serverName() != null) {
      builder.overrideAuthority(tls.serverName());
    }
    return builder;
  }

  private static ControlPlaneChannel to(ManagedChannel channel, String token) {
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    return new ControlPlaneChannel(
        channel,
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
  }
}
