package io.gatehouse.sim.tasks;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.net.InetSocketAddress;

/**
 * The demo task in its gRPC form ({@code DEMO_PROTOCOL=grpc}): HTTP/2 in clear, answering {@code
 * /gatehouse.demo.Echo/Say} (unary) and {@code /gatehouse.demo.Echo/Stream} (each message sent back
 * as it comes) with the caller's own messages, whatever their type, and {@code
 * grpc.health.v1.Health/Check} with SERVING. Every response names the task in {@code x-served-by};
 * other methods are UNIMPLEMENTED.
 */
final class DemoGrpcServer {
  private static final byte[] SERVING = {0, 0, 0, 0, 2, 0x08, 1};

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
                            }));
              }
            })
        .bind(address)
        .sync()
        .channel();
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
