package io.gatehouse.engine.udp;

import io.gatehouse.engine.analytics.ClientLogs;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.limits.ResourceLimits;
import io.gatehouse.engine.listener.VirtualService;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;

/** Binds UDP listeners: a datagram socket whose handler keeps a session per client. */
public final class UdpListeners {
  private final Transport transport;
  private final EventLoopGroup group;
  private final ResourceLimits limits;
  private final ClientLogs logs;

  public UdpListeners(
      Transport transport, EventLoopGroup group, ResourceLimits limits, ClientLogs logs) {
    this.transport = transport;
    this.group = group;
    this.limits = limits;
    this.logs = logs;
  }

  public ChannelFuture bind(ListenerConfig listener, VirtualService service) {
    return new Bootstrap()
        .group(group)
        .channel(transport.datagramChannel())
        .handler(new UdpProxyHandler(service, transport, limits, logs))
        .bind(listener.address(), listener.port());
  }
}
