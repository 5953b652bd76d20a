package io.gatehouse.engine.http;

import io.gatehouse.engine.listener.VirtualService;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.time.Duration;

/**
 * The pipeline of one HTTP/2 stream: its frames become an HTTP/1.1 request and the member's
 * response becomes frames again, and in between the stream is served like a request on an HTTP/1.1
 * connection (the same routing, policies, limits, timing and logs). The stream reads only as fast
 * as the member takes its body, and the member is read only as fast as the stream's window lets the
 * response go.
 */
final class Http2Streams extends ChannelInitializer<Http2StreamChannel> {
  private final VirtualService service;
  private final UpstreamConnections upstreams;
  private final HttpSettings settings;
  private final String scheme;
  private final Duration relayIdleTimeout;

  Http2Streams(
      VirtualService service,
      UpstreamConnections upstreams,
      HttpSettings settings,
      String scheme,
      Duration relayIdleTimeout) {
    this.service = service;
    this.upstreams = upstreams;
    this.settings = settings;
    this.scheme = scheme;
    this.relayIdleTimeout = relayIdleTimeout;
  }

  @Override
  protected void initChannel(Http2StreamChannel stream) {
    stream.config().setAutoRead(false);
    stream.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(true));
    stream.pipeline().addLast("h2-bridge", new Bridge());
    stream
        .pipeline()
        .addLast(
            "proxy",
            new HttpFrontendHandler(service, upstreams, settings, scheme, relayIdleTimeout, true));
  }

  /**
   * What the codec's HTTP/1.1 messages need to cross to a member and back: a request that came
   * whole (HEADERS with END_STREAM) split into its head and its end, as the proxy expects them; and
   * the codec's own extension headers ({@code x-http2-*}) removed both ways, so that neither a
   * client nor a member can put words in the other's stream.
   */
  private static final class Bridge extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest whole) {
        DefaultHttpRequest head =
            new DefaultHttpRequest(
                whole.protocolVersion(), whole.method(), whole.uri(), whole.headers());
        stripExtensions(head);
        ctx.fireChannelRead(head);
        ctx.fireChannelRead(new DefaultLastHttpContent(whole.content(), whole.trailingHeaders()));
        return;
      }
      if (msg instanceof HttpMessage message) {
        stripExtensions(message);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpMessage message) {
        stripExtensions(message);
      }
      ctx.write(msg, promise);
    }
  }

  /**
   * Removes the extension headers ({@code x-http2-*}) Netty's HTTP/1.1 conversion reads and writes,
   * so that neither side of the engine can write into them.
   */
  static void stripExtensions(HttpMessage message) {
    for (HttpConversionUtil.ExtensionHeaderNames name :
        HttpConversionUtil.ExtensionHeaderNames.values()) {
      message.headers().remove(name.text());
    }
  }
}
