package io.gatehouse.engine.internal;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoopGroup;

/**
 * A gRPC channel to a control-plane service (se-manager-svc, analytics-svc) whose calls carry the
 * engine's bearer token.
 *
 * @param managed the channel itself, to shut down
 * @param authorized the same channel, sending the token on every call
 */
public record ControlPlaneChannel(ManagedChannel managed, Channel authorized) {
  /** A plaintext channel to {@code target}; {@code token} null sends none. */
  public static ControlPlaneChannel to(String target, String token) {
    return to(NettyChannelBuilder.forTarget(target).usePlaintext().build(), token);
  }

  /** As {@link #to(String, String)}, its connection on one of {@code eventLoops}. */
  public static ControlPlaneChannel to(
      String target, String token, EventLoopGroup eventLoops, Transport transport) {
    return to(
        NettyChannelBuilder.forTarget(target)
            .usePlaintext()
            .eventLoopGroup(eventLoops)
            .channelType(transport.socketChannel())
            .build(),
        token);
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
