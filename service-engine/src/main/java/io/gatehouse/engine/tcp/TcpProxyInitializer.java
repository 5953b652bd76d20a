package io.gatehouse.engine.tcp;

import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.security.SecurityFilter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** The pipeline of a client connection to a TCP listener: one relay, one member per connection. */
public final class TcpProxyInitializer extends ChannelInitializer<Channel> {
  private final VirtualService service;
  private final Transport transport;

  public TcpProxyInitializer(VirtualService service, Transport transport) {
    this.service = service;
    this.transport = transport;
  }

  @Override
  protected void initChannel(Channel channel) {
    channel
        .pipeline()
        .addLast("security", new SecurityFilter(service))
        .addLast("relay", new TcpFrontendHandler(service, transport));
  }
}
