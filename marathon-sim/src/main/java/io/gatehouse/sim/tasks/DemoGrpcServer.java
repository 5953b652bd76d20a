package io.gatehouse.sim.tasks;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.net.InetSocketAddress;

/**
 * The demo task in its gRPC form ({@code DEMO_PROTOCOL=grpc}): HTTP/2 in clear, answering {@code
 * /gatehouse.demo.Echo/Say} (unary) and {@code /gatehouse.demo.Echo/Stream} (each message sent back
 * as it comes) with the caller's own messages, whatever their type, and {@code
 * grpc.health.v1.Health/Check} with SERVING. Every response names the task in {@code x-served-by};
 * other methods are UNIMPLEMENTED. Stopped, it ends its connections as a gRPC server does on
 * SIGTERM (see {@link #shutDown}).
 */
final class DemoGrpcServer {
  private static final byte[] SERVING = {0, 0, 0, 0, 2, 0x08, 1};
  private static final long SHUTDOWN_PING = 0x6761746568_6f7573L; // "gatehous"

  private DemoGrpcServer() {}

  static Channel start(
      EventLoopGroup group, InetSocketAddress address, String identity, ChannelGroup connections)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                connections.add(ch);
                ch.pipeline()
                    .addLast(Http2FrameCodecBuilder.forServer().build())
                    .addLast(
                        new Http2MultiplexHandler(
                            new ChannelInitializer<Http2StreamChannel>() {
                              @Override
                              protected void initChannel(Http2StreamChannel stream) {
                                stream.pipeline().addLast(new Call(identity));
                              }
                            }))
                    .addLast(new ShutdownPingAck());
              }
            })
        .bind(address)
        .sync()
        .channel();
  }

  /**
   * Begins ending {@code connection} gracefully, as gRPC servers do (RFC 9113, 6.8): a GOAWAY that
   * still admits every stream, and a PING; once the client answers the PING, a GOAWAY naming the
   * last stream begun, so a call that crossed it is one the client knows was never processed and
   * may send elsewhere. When its calls are over, the server's side ends, and the connection closes
   * when the client closes it. Returns its close future.
   */
  static ChannelFuture shutDown(Channel connection) {
    connection
        .eventLoop()
        .execute(
            () -> {
              connection.write(
                  new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)
                      .setExtraStreamIds(Integer.MAX_VALUE));
              connection.writeAndFlush(new DefaultHttp2PingFrame(SHUTDOWN_PING));
            });
    return connection.closeFuture();
  }

  /** The second step of {@link #shutDown}, on the client's answer to its PING. */
  private static final class ShutdownPingAck extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2PingFrame ping && ping.ack() && ping.content() == SHUTDOWN_PING) {
        ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)); // the last stream
        Http2Connection connection = ctx.pipeline().get(Http2FrameCodec.class).connection();
        if (connection.numActiveStreams() == 0) {
          endOutput(ctx);
        } else {
          connection.addListener(
              new Http2ConnectionAdapter() {
                @Override
                public void onStreamRemoved(Http2Stream stream) {
                  if (connection.numActiveStreams() == 0) {
                    endOutput(ctx);
                  }
                }
              });
        }
        return;
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * Ends what the server sends, once every frame before is out, and goes on reading until the
   * client closes: closing outright would reset the connection if a frame of the client's (a
   * WINDOW_UPDATE, a PING) were still to arrive, and a reset can take the last response with it.
   */
  private static void endOutput(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(f -> ((SocketChannel) ctx.channel()).shutdownOutput());
  }

  /** One call, on its stream. */
  private static final class Call extends SimpleChannelInboundHandler<Http2StreamFrame> {
    private final String identity;
    private String method = "";

    Call(String identity) {
      this.identity = identity;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      if (frame instanceof Http2HeadersFrame headers && method.isEmpty()) {
        method = String.valueOf(headers.headers().path());
        if (!method.startsWith("/gatehouse.demo.Echo/")
            && !method.equals("/grpc.health.v1.Health/Check")) {
          Http2Headers only = responseHeaders();
          only.set("grpc-status", "12"); // UNIMPLEMENTED
          only.set("grpc-message", "no method " + method);
          ctx.writeAndFlush(new DefaultHttp2HeadersFrame(only, true));
          return;
        }
        ctx.write(new DefaultHttp2HeadersFrame(responseHeaders()));
        if (headers.isEndStream()) {
          end(ctx);
        }
        return;
      }
      if (frame instanceof Http2DataFrame data) {
        if (method.startsWith("/gatehouse.demo.Echo/") && data.content().isReadable()) {
          ctx.write(new DefaultHttp2DataFrame(data.content().retain()));
        }
        if (data.isEndStream()) {
          end(ctx);
        } else {
          ctx.flush();
        }
      }
    }

    private Http2Headers responseHeaders() {
      Http2Headers headers = new DefaultHttp2Headers().status("200");
      headers.set("content-type", "application/grpc");
      headers.set("x-served-by", identity);
      return headers;
    }

    private void end(ChannelHandlerContext ctx) {
      if (method.equals("/grpc.health.v1.Health/Check")) {
        ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(SERVING)));
      }
      Http2Headers trailers = new DefaultHttp2Headers();
      trailers.set("grpc-status", "0");
      ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
    }
  }
}
