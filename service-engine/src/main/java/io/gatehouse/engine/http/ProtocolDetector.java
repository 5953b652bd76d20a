package io.gatehouse.engine.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells, on a cleartext listener, an HTTP/2 client with prior knowledge (RFC 9113, 3.3: it starts
 * with the connection preface) from an HTTP/1.1 one, by the first bytes, and sets the connection up
 * for the one it is. Only a prefix of the preface is waited for: the first byte that differs
 * decides HTTP/1.1.
 */
final class ProtocolDetector extends ByteToMessageDecoder {
  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  /** What to do once the protocol is known. */
  interface Choice {
    void http1(ChannelHandlerContext ctx);

    void http2(ChannelHandlerContext ctx);
  }

  private final Choice choice;
  private final Duration timeout;
  private ScheduledFuture<?> deadline;

  /** {@code timeout}: how long a client has to send the first bytes (the head timeout). */
  ProtocolDetector(Choice choice, Duration timeout) {
    this.choice = choice;
    this.timeout = timeout;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    deadline = ctx.executor().schedule(() -> ctx.close(), timeout.toNanos(), TimeUnit.NANOSECONDS);
    ctx.read(); // the connection reads by hand: the first bytes decide
    super.channelActive(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int compare = Math.min(in.readableBytes(), PREFACE.readableBytes());
    boolean prefix =
        ByteBufUtil.equals(PREFACE, PREFACE.readerIndex(), in, in.readerIndex(), compare);
    if (prefix && compare < PREFACE.readableBytes()) {
      ctx.read(); // so far like the preface: more bytes decide
      return;
    }
    if (prefix) {
      choice.http2(ctx);
    } else {
      choice.http1(ctx);
    }
    ctx.pipeline().remove(this); // what was read goes on to the handlers just added
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // reading is driven by decode and by the handlers chosen
    ctx.fireChannelReadComplete();
  }
}
