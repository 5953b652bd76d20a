package io.gatehouse.engine.tcp;

import io.gatehouse.engine.analytics.ClientLogs;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.limits.ListenerConnectionLimit;
import io.gatehouse.engine.limits.RelayIdleTimeout;
import io.gatehouse.engine.limits.ResourceLimits;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.MemberConnections;
import io.gatehouse.engine.ratelimit.RateLimitFilter;
import io.gatehouse.engine.security.SecurityFilter;
import io.gatehouse.engine.tls.TlsTermination;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import java.util.concurrent.atomic.AtomicInteger;

/** The pipeline of a client connection to a TCP listener: one relay, one member per connection. */
public final class TcpProxyInitializer extends ChannelInitializer<Channel> {
  private final VirtualService service;
  private final Transport transport;
  private final boolean tls;
  private final MemberConnections members;
  private final ResourceLimits limits;
  private final ClientLogs logs;
  private final AtomicInteger open = new AtomicInteger(); // this listener's client connections

  /** One per listener: the listener's connection limit counts the connections it initializes. */
  public TcpProxyInitializer(
      VirtualService service,
      Transport transport,
      boolean tls,
      MemberConnections members,
      ResourceLimits limits,
      ClientLogs logs) {
    this.service = service;
    this.transport = transport;
    this.tls = tls;
    this.members = members;
    this.limits = limits;
    this.logs = logs;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(
        "limit",
        new ListenerConnectionLimit(open, limits.connectionsPerListener(), service.stats()));
    pipeline.addLast("security", new SecurityFilter(service));
    pipeline.addLast("rate", new RateLimitFilter(service));
    if (tls) {
      TlsTermination.addTo(pipeline, service, false);
    }
    pipeline.addLast("relay-idle", new RelayIdleTimeout(limits.relayIdleTimeout()));
    pipeline.addLast("relay", new TcpFrontendHandler(service, transport, members, logs));
  }
}
