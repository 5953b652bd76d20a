package io.gatehouse.engine.tcp;

import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.MemberConnections;
import io.gatehouse.engine.security.SecurityFilter;
import io.gatehouse.engine.tls.TlsTermination;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** The pipeline of a client connection to a TCP listener: one relay, one member per connection. */
public final class TcpProxyInitializer extends ChannelInitializer<Channel> {
  private final VirtualService service;
  private final Transport transport;
  private final boolean tls;
  private final MemberConnections members;

  public TcpProxyInitializer(
      VirtualService service, Transport transport, boolean tls, MemberConnections members) {
    this.service = service;
    this.transport = transport;
    this.tls = tls;
    this.members = members;
  }

  @Override
  protected void initChannel(Channel channel) {
    channel.pipeline().addLast("security", new SecurityFilter(service));
    if (tls) {
      TlsTermination.addTo(channel.pipeline(), service);
    }
    channel.pipeline().addLast("relay", new TcpFrontendHandler(service, transport, members));
  }
}
