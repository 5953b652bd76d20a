package io.gatehouse.engine.http;

import io.gatehouse.engine.http.framing.ServerCodec;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.security.SecurityFilter;
import io.gatehouse.engine.tls.TlsTermination;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;

/** The pipeline of a client connection to an HTTP listener. */
public final class HttpProxyInitializer extends ChannelInitializer<Channel> {
  private final VirtualService service;
  private final HttpSettings settings;
  private final UpstreamConnections upstreams;
  private final boolean tls;

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

  public HttpProxyInitializer(
      VirtualService service, HttpSettings settings, Upstreams upstreams, boolean tls) {
    this.service = service;
    this.settings = settings;
    this.upstreams = upstreams.connections;
    this.tls = tls;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast("security", new SecurityFilter(service));
    if (tls) {
      TlsTermination.addTo(pipeline, service);
    }
    addCodecHandlers(pipeline);
    addProxyHandlers(pipeline);
  }

  private void addCodecHandlers(ChannelPipeline pipeline) {
    pipeline.addLast(
        "codec", new ServerCodec(settings.maxInitialLineLength(), settings.maxHeaderSize()));
    pipeline.addLast("expect-continue", new HttpServerExpectContinueHandler());
  }

  private void addProxyHandlers(ChannelPipeline pipeline) {
    pipeline.addLast(
        "proxy", new HttpFrontendHandler(service, upstreams, settings, tls ? "https" : "http"));
  }
}
