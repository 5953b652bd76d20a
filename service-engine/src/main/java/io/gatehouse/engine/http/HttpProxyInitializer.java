package io.gatehouse.engine.http;

import io.gatehouse.engine.http.framing.ServerCodec;
import io.gatehouse.engine.http2.Http2Connection;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.limits.ListenerConnectionLimit;
import io.gatehouse.engine.limits.ResourceLimits;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.ratelimit.RateLimitFilter;
import io.gatehouse.engine.security.SecurityFilter;
import io.gatehouse.engine.timing.TcpRtt;
import io.gatehouse.engine.tls.TlsTermination;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pipeline of a client connection to an HTTP listener: limits, security and rate filters, TLS
 * when the listener has it, and then HTTP/1.1 or HTTP/2, as ALPN agreed or (in clear) as the first
 * bytes say.
 */
public final class HttpProxyInitializer extends ChannelInitializer<Channel> {
  private final VirtualService service;
  private final HttpSettings settings;
  private final UpstreamConnections upstreams;
  private final boolean tls;
  private final ResourceLimits limits;
  private final AtomicInteger open = new AtomicInteger(); // this listener's client connections

  /** Upstream connections are shared by every listener of a transport: one per engine. */
  public static final class Upstreams {
    private final UpstreamConnections connections;

    public Upstreams(
        Transport transport,
        HttpSettings settings,
        io.gatehouse.engine.pool.MemberConnections members) {
      this.connections = new UpstreamConnections(transport, settings, members);
    }
  }

  /** One per listener: the listener's connection limit counts the connections it initializes. */
  public HttpProxyInitializer(
      VirtualService service,
      HttpSettings settings,
      Upstreams upstreams,
      boolean tls,
      ResourceLimits limits) {
    this.service = service;
    this.settings = settings;
    this.upstreams = upstreams.connections;
    this.tls = tls;
    this.limits = limits;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(
        "limit",
        new ListenerConnectionLimit(open, limits.connectionsPerListener(), service.stats()));
    pipeline.addLast("security", new SecurityFilter(service));
    pipeline.addLast("rate", new RateLimitFilter(service));
    pipeline.addLast("count", new ConnectionCounter(service.stats()));
    channel.attr(TcpRtt.AT_ACCEPT).set(TcpRtt.ofHandshake(channel)); // before a byte is sent
    ProtocolDetector.Choice choice =
        new ProtocolDetector.Choice() {
          @Override
          public void http1(ChannelHandlerContext ctx) {
            addCodecHandlers(ctx.pipeline());
            addProxyHandlers(ctx.pipeline());
            ctx.pipeline().get(HttpFrontendHandler.class).startLate();
          }

          @Override
          public void http2(ChannelHandlerContext ctx) {
            Http2Connection.configure(
                ctx.pipeline(),
                service,
                settings.http2(),
                settings.idleTimeout(),
                new Http2Streams(service, upstreams, settings, scheme()));
          }
        };
    if (tls) {
      TlsTermination.addTo(pipeline, service, true);
      pipeline.addLast("alpn", new AlpnSelector(choice));
    } else {
      pipeline.addLast("detect", new ProtocolDetector(choice, settings.headerTimeout()));
    }
  }

  private String scheme() {
    return tls ? "https" : "http";
  }

  private void addCodecHandlers(ChannelPipeline pipeline) {
    pipeline.addLast(
        "codec", new ServerCodec(settings.maxInitialLineLength(), settings.maxHeaderSize()));
    pipeline.addLast("expect-continue", new HttpServerExpectContinueHandler());
  }

  private void addProxyHandlers(ChannelPipeline pipeline) {
    pipeline.addLast(
        "proxy",
        new HttpFrontendHandler(service, upstreams, settings, scheme(), limits.relayIdleTimeout()));
  }
}
