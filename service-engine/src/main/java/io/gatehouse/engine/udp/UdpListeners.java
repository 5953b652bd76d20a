package io.gatehouse.engine.udp;

import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.listener.VirtualService;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;

/** Binds UDP listeners: a datagram socket whose handler keeps a session per client. */
public final class UdpListeners {
  private final Transport transport;
  private final EventLoopGroup group;
  private final Duration sessionTimeout;

  public UdpListeners(Transport transport, EventLoopGroup group, Duration sessionTimeout) {
    this.transport = transport;
    this.group = group;
    this.sessionTimeout = sessionTimeout;
  }

  public ChannelFuture bind(ListenerConfig listener, VirtualService service) {
    return new Bootstrap()
        .group(group)
        .channel(transport.datagramChannel())
        .handler(new UdpProxyHandler(service, transport, sessionTimeout))
        .bind(listener.address(), listener.port());
  }
}
