package io.gatehouse.engine.http2;

import io.gatehouse.engine.listener.VirtualService;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Makes a client connection an HTTP/2 one: the connection handler with the engine's limits, the
 * handler that serves its streams ({@code streams}, also the handler's frame listener), and a guard
 * that closes the connection when idle, and when its service retires, ends it with GOAWAY once its
 * streams are done.
 */
public final class Http2Connection {
  private Http2Connection() {}

  /** Adds the HTTP/2 handlers to {@code pipeline}, after what is there. */
  public static <S extends ChannelHandler & Http2FrameListener> void configure(
      ChannelPipeline pipeline,
      VirtualService service,
      Http2Limits limits,
      Duration idleTimeout,
      S streams) {
    Http2Settings settings =
        Http2Settings.defaultSettings()
            .maxConcurrentStreams(limits.maxConcurrentStreams())
            .initialWindowSize(limits.initialWindowSize())
            .maxHeaderListSize(limits.maxHeaderListSize());
    // flushes asked for while the client's bytes are read go out as one write at the read's end;
    // streams flushing responses (on their members' reads) coalesce on their own
    pipeline.addLast("h2-flushes", new FlushConsolidationHandler(256, false));
    pipeline.addLast(
        "h2-idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
    pipeline.addLast(
        "h2",
        new Http2ConnectionHandlerBuilder()
            .server(true)
            .initialSettings(settings)
            .frameLogger(new FrameGuard(service.stats(), limits))
            .decoderEnforceMaxRstFramesPerWindow(
                limits.maxResetsPerWindow(), (int) limits.resetWindow().toSeconds())
            // and as many resets the engine sends, which a client can provoke (MadeYouReset)
            .encoderEnforceMaxRstFramesPerWindow(
                limits.maxResetsPerWindow(), (int) limits.resetWindow().toSeconds())
            .validateHeaders(true)
            .frameListener(streams)
            .build());
    pipeline.addLast("h2-streams", streams);
    pipeline.addLast("h2-guard", new Guard(service));
  }

  /** The connection's own bookkeeping, beside its streams. */
  private static final class Guard extends ChannelInboundHandlerAdapter {
    private final VirtualService service;

    Guard(VirtualService service) {
      this.service = service;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      service.opened(ctx.channel());
      ctx.channel().config().setAutoRead(true); // the codec reads; streams pace themselves
      ctx.read();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event == VirtualService.Retired.INSTANCE
          || (event instanceof IdleStateEvent
              && event.equals(IdleStateEvent.ALL_IDLE_STATE_EVENT))) {
        ctx.close(); // the codec sends GOAWAY and lets the open streams finish
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
        return; // a protocol error the connection handler answers with its RST_STREAM or GOAWAY
      }
      ctx.close();
    }
  }
}
