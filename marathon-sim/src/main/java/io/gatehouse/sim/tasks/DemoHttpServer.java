package io.gatehouse.sim.tasks;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The web server that stands for images such as {@code avinetworks/server}: {@code /} answers with
 * the task's identity, {@code /100kb.txt} and {@code /1k.bin} with bodies of those sizes, {@code
 * /health} with 200. {@code DEMO_DELAY_MS} delays every response; {@code DEMO_ERROR_RATE} (0..1)
 * answers that share of requests with 500, deterministically (every n-th request). Every response
 * names the task in {@code X-Served-By}.
 */
final class DemoHttpServer {
  static final String SERVED_BY = "X-Served-By";
  private static final byte[] KB_100 = filled(100 * 1024);
  private static final byte[] KB_1 = filled(1024);

  private DemoHttpServer() {}

  static Channel start(
      EventLoopGroup group,
      InetSocketAddress address,
      String identity,
      long delayMs,
      double errorRate,
      ChannelGroup connections)
      throws InterruptedException {
    AtomicLong requests = new AtomicLong();
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                connections.add(ch);
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(1 << 20))
                    .addLast(new Handler(identity, delayMs, errorRate, requests));
              }
            })
        .bind(address)
        .sync()
        .channel();
  }

  private static byte[] filled(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 'x');
    for (int i = 63; i < size; i += 64) {
      bytes[i] = '\n';
    }
    return bytes;
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final String identity;
    private final long delayMs;
    private final double errorRate;
    private final AtomicLong requests;

    Handler(String identity, long delayMs, double errorRate, AtomicLong requests) {
      this.identity = identity;
      this.delayMs = delayMs;
      this.errorRate = errorRate;
      this.requests = requests;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      long n = requests.incrementAndGet();
      boolean fail = errorRate > 0 && Math.floor(n * errorRate) > Math.floor((n - 1) * errorRate);
      String path = new QueryStringDecoder(request.uri()).path();
      FullHttpResponse response;
      if (fail) {
        response =
            response(HttpResponseStatus.INTERNAL_SERVER_ERROR, bytes("error\n"), "text/plain");
      } else {
        response =
            switch (path) {
              case "/" -> response(HttpResponseStatus.OK, bytes(identity + "\n"), "text/plain");
              case "/100kb.txt" ->
                  response(HttpResponseStatus.OK, Unpooled.wrappedBuffer(KB_100), "text/plain");
              case "/1k.bin" ->
                  response(
                      HttpResponseStatus.OK,
                      Unpooled.wrappedBuffer(KB_1),
                      "application/octet-stream");
              case "/health" -> response(HttpResponseStatus.OK, bytes("ok\n"), "text/plain");
              default -> response(HttpResponseStatus.NOT_FOUND, bytes("not found\n"), "text/plain");
            };
      }
      // which task answered, whatever the path: routing tests tell apps apart by it
      response.headers().set(SERVED_BY, identity);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      Runnable send =
          () -> {
            var future = ctx.writeAndFlush(response);
            if (!keepAlive) {
              future.addListener(ChannelFutureListener.CLOSE);
            }
          };
      if (delayMs > 0) {
        ctx.executor().schedule(send, delayMs, TimeUnit.MILLISECONDS);
      } else {
        send.run();
      }
    }

    private static ByteBuf bytes(String text) {
      return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static FullHttpResponse response(HttpResponseStatus status, ByteBuf body, String type) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      return response;
    }
  }
}
