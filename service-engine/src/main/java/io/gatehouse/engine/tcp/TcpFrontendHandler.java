package io.gatehouse.engine.tcp;

import io.gatehouse.api.analytics.v1.ConnectionEnd;
import io.gatehouse.api.analytics.v1.L4Protocol;
import io.gatehouse.engine.analytics.ClientLogs;
import io.gatehouse.engine.internal.RelayHandler;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.MemberConnections;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.timing.L4Connection;
import io.gatehouse.engine.timing.TcpRtt;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
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
  private Pool side; // the pool (or its B pool) this connection's members come from
  private final Transport transport;
  private final MemberConnections members;
  private final ClientLogs logs;
  private final Set<Endpoint> tried = new HashSet<>(2);
  private Channel upstream;
  private Endpoint member;
  private L4Connection measured;

  TcpFrontendHandler(
      VirtualService service, Transport transport, MemberConnections members, ClientLogs logs) {
    this.service = service;
    this.transport = transport;
    this.members = members;
    this.logs = logs;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    service.stats().connectionOpened();
    measured =
        new L4Connection(
            service,
            logs,
            L4Protocol.L4_PROTOCOL_TCP,
            ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress());
    measured.clientRtt(TcpRtt.ofHandshake(ctx.channel())); // at accept: the handshake's alone
    connect(ctx);
  }

  private void connect(ChannelHandlerContext ctx) {
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    if (side == null) {
      Pool served = service.pool(); // its B pool's share decided once per connection
      side = served == null ? null : served.side(remote.getAddress());
    }
    Pool pool = side;
    String client = remote.getAddress().getHostAddress();
    Endpoint picked = pool == null ? null : pool.pick(client, tried);
    if (picked == null) {
      measured.ending(
          tried.isEmpty()
              ? ConnectionEnd.CONNECTION_END_NO_MEMBER
              : ConnectionEnd.CONNECTION_END_MEMBER_REFUSED);
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
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel member) {
                member
                    .pipeline()
                    .addLast(
                        new MemberEnd(),
                        new RelayHandler(
                            ctx.channel(),
                            n -> {
                              service.stats().bytesOut(n);
                              measured.bytesOut(n);
                            },
                            () -> {}));
              }
            })
        .connect(picked.address())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess() && ctx.channel().isActive()) {
                    picked.connected();
                    upstream = f.channel();
                    measured.memberConnected(pool, picked, TcpRtt.ofHandshake(upstream));
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
      measured.bytesIn(buf.readableBytes());
    }
    RelayHandler.forward(msg, upstream, ctx.channel());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ChannelInputShutdownEvent) {
      measured.ending(ConnectionEnd.CONNECTION_END_CLIENT_CLOSED);
      RelayHandler.halfClosed(ctx, upstream);
    } else if (event instanceof IdleStateEvent) {
      measured.ending(ConnectionEnd.CONNECTION_END_IDLE_TIMEOUT); // the idle timeout closes it
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    service.stats().connectionClosed();
    if (measured != null) { // null: refused before it reached the relay
      measured.ended(ConnectionEnd.CONNECTION_END_CLIENT_CLOSED);
    }
    if (member != null) {
      member.finished();
      member = null;
    }
    RelayHandler.closeOnFlush(upstream);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (measured != null) {
      measured.ending(ConnectionEnd.CONNECTION_END_RESET);
    }
    ctx.close();
  }

  /** Sees the member's side end first: its end of input, or a failure. */
  private final class MemberEnd extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof ChannelInputShutdownEvent) {
        measured.ending(ConnectionEnd.CONNECTION_END_MEMBER_CLOSED);
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      measured.ending(ConnectionEnd.CONNECTION_END_MEMBER_CLOSED);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      measured.ending(ConnectionEnd.CONNECTION_END_RESET);
      ctx.fireExceptionCaught(cause);
    }
  }
}
