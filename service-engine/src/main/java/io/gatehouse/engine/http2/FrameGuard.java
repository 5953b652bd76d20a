package io.gatehouse.engine.http2;

import io.gatehouse.engine.listener.ServiceStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.logging.LogLevel;

/**
 * Sees every frame of one client connection as the codec reads or writes it (it is the codec's
 * frame logger, which logs nothing): counts the connection errors the engine answers with GOAWAY,
 * and closes a connection that floods SETTINGS or PING frames. Netty's codec bounds the rest:
 * resets per window, header blocks, queued control frames.
 */
final class FrameGuard extends Http2FrameLogger {
  private final ServiceStats stats;
  private final Http2Limits limits;
  private long windowStart = System.nanoTime();
  private int controlFrames;

  FrameGuard(ServiceStats stats, Http2Limits limits) {
    super(LogLevel.TRACE, FrameGuard.class);
    this.stats = stats;
    this.limits = limits;
  }

  @Override
  public void logSettings(Direction direction, ChannelHandlerContext ctx, Http2Settings settings) {
    if (direction == Direction.INBOUND) {
      controlFrame(ctx);
    }
  }

  @Override
  public void logPing(Direction direction, ChannelHandlerContext ctx, long data) {
    if (direction == Direction.INBOUND) {
      controlFrame(ctx);
    }
  }

  @Override
  public void logGoAway(
      Direction direction,
      ChannelHandlerContext ctx,
      int lastStreamId,
      long errorCode,
      ByteBuf debugData) {
    if (direction == Direction.OUTBOUND && errorCode != Http2Error.NO_ERROR.code()) {
      Http2Error error = Http2Error.valueOf(errorCode);
      stats.http2ConnectionError(error == null ? Http2Error.INTERNAL_ERROR : error);
    }
  }

  /** One more SETTINGS or PING: past the limit in the window, the connection is closed. */
  private void controlFrame(ChannelHandlerContext ctx) {
    long now = System.nanoTime();
    if (now - windowStart > limits.controlWindow().toNanos()) {
      windowStart = now;
      controlFrames = 0;
    }
    if (++controlFrames == limits.maxControlFramesPerWindow() + 1) {
      // after this frame's turn: a GOAWAY saying why (counted when it is written), then the end
      Http2ConnectionHandler handler = (Http2ConnectionHandler) ctx.handler();
      ctx.channel()
          .eventLoop()
          .execute(
              () -> {
                handler
                    .goAway(
                        ctx,
                        handler.connection().remote().lastStreamCreated(),
                        Http2Error.ENHANCE_YOUR_CALM.code(),
                        Unpooled.EMPTY_BUFFER,
                        ctx.newPromise())
                    .addListener(ChannelFutureListener.CLOSE);
                handler.flush(ctx);
              });
    }
  }
}
