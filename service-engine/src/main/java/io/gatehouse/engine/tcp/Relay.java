package io.gatehouse.engine.tcp;

import io.gatehouse.engine.listener.VirtualService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/** The member side of a TCP relay: what the member sends goes to the client, with backpressure. */
final class Relay extends ChannelInboundHandlerAdapter {
  private final Channel client;
  private final VirtualService service;

  Relay(Channel client, VirtualService service) {
    this.client = client;
    this.service = service;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      service.stats().bytesOut(buf.readableBytes());
    }
    forward(msg, client, ctx.channel());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ChannelInputShutdownEvent) {
      Relay.halfClosed(ctx, client);
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeOnFlush(client);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Writes {@code msg} to {@code to}; {@code from} reads again once it is written. */
  static void forward(Object msg, Channel to, Channel from) {
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
  static void halfClosed(ChannelHandlerContext ctx, Channel peer) {
    if (peer instanceof DuplexChannel duplex && peer.isActive()) {
      duplex.shutdownOutput();
    }
    if (ctx.channel() instanceof DuplexChannel self && self.isOutputShutdown()) {
      ctx.close();
    }
  }

  static void closeOnFlush(Channel channel) {
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
