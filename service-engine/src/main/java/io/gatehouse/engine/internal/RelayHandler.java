package io.gatehouse.engine.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.function.LongConsumer;

/**
 * Relays the bytes a channel reads to its peer: one side of a TCP proxy connection, or of an HTTP
 * connection after a protocol upgrade (WebSocket). The channel reads again only once the peer took
 * the last read (backpressure); an end of input shuts the peer's output (half-close); a close
 * closes the peer once what was written is flushed.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
  private final Channel peer;
  private final LongConsumer bytesRelayed;
  private final Runnable onClose;

  /**
   * @param peer where the bytes go
   * @param bytesRelayed counts the bytes relayed
   * @param onClose runs when this side closes
   */
  public RelayHandler(Channel peer, LongConsumer bytesRelayed, Runnable onClose) {
    this.peer = peer;
    this.bytesRelayed = bytesRelayed;
    this.onClose = onClose;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg); // e.g. the end marker of the HTTP message before an upgrade
      return;
    }
    bytesRelayed.accept(buf.readableBytes());
    forward(buf, peer, ctx.channel());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ChannelInputShutdownEvent) {
      halfClosed(ctx, peer);
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    onClose.run();
    closeOnFlush(peer);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Writes {@code msg} to {@code to}; {@code from} reads again once it is written. */
  public static void forward(Object msg, Channel to, Channel from) {
    if (to == null || !to.isActive()) {
      ReferenceCountUtil.release(msg);
      from.close();
      return;
    }
    to.writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    from.read();
                  } else {
                    f.channel().close();
                    from.close();
                  }
                });
  }

  /**
   * One side ended its input: the other side's output ends too; once both directions ended, the
   * side closes.
   */
  public static void halfClosed(ChannelHandlerContext ctx, Channel peer) {
    if (peer instanceof DuplexChannel duplex && peer.isActive()) {
      duplex.shutdownOutput();
    }
    if (ctx.channel() instanceof DuplexChannel self && self.isOutputShutdown()) {
      ctx.close();
    }
  }

  public static void closeOnFlush(Channel channel) {
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
