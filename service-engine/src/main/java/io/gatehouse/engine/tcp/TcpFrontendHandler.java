package io.gatehouse.engine.tcp;

import io.gatehouse.engine.internal.RelayHandler;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.MemberConnections;
import io.gatehouse.engine.pool.Pool;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.HashSet;
import java.util.Set;

/**
 * A client connection to a TCP listener, relayed byte for byte to one pool member: the member is
 * chosen when the client connects (the next is tried when one refuses), each side reads only after
 * the other side took the last read, and a half-close travels through (the client's end of input
 * shuts the member's output, and back).
 */
final class TcpFrontendHandler extends ChannelInboundHandlerAdapter {
  private final VirtualService service;
  private final Transport transport;
  private final MemberConnections members;
  private final Set<Endpoint> tried = new HashSet<>(2);
  private Channel upstream;
  private Endpoint member;

  TcpFrontendHandler(VirtualService service, Transport transport, MemberConnections members) {
    this.service = service;
    this.transport = transport;
    this.members = members;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    service.stats().connectionOpened();
    connect(ctx);
  }

  private void connect(ChannelHandlerContext ctx) {
    Pool pool = service.pool();
    String client =
        ((java.net.InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
    Endpoint picked = pool == null ? null : pool.pick(client, tried);
    if (picked == null) {
      ctx.close(); // nothing to relay to: the client sees the connection end
      return;
    }
    picked.started();
    new Bootstrap()
        .group(ctx.channel().eventLoop())
        .channel(transport.socketChannel())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) pool.connectTimeout().toMillis())
        .handler(new RelayHandler(ctx.channel(), n -> service.stats().bytesOut(n), () -> {}))
        .connect(picked.address())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess() && ctx.channel().isActive()) {
                    picked.connected();
                    upstream = f.channel();
                    members.track(picked.address(), upstream); // a draining member ends it
                    member = picked;
                    upstream.read();
                    ctx.read();
                  } else {
                    picked.finished();
                    f.channel().close();
                    if (!f.isSuccess()) {
                      pool.connectFailed(picked);
                      tried.add(picked);
                      connect(ctx);
                    }
                  }
                });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      service.stats().bytesIn(buf.readableBytes());
    }
    RelayHandler.forward(msg, upstream, ctx.channel());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ChannelInputShutdownEvent) {
      RelayHandler.halfClosed(ctx, upstream);
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    service.stats().connectionClosed();
    if (member != null) {
      member.finished();
      member = null;
    }
    RelayHandler.closeOnFlush(upstream);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
