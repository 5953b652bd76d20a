package io.gatehouse.engine.health;

import io.gatehouse.engine.config.HealthMonitorConfig;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.tls.MemberTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A probe in the gRPC health protocol: {@code grpc.health.v1.Health/Check} for the monitor's
 * service over HTTP/2 (in clear, or over the pool's member TLS), passing only when the member
 * answers SERVING with grpc-status 0. The two messages are small enough to write and read by hand
 * (HealthCheckRequest field 1, the service; HealthCheckResponse field 1, the status, SERVING being
 * 1), so no gRPC stack runs per probe.
 */
final class GrpcProbe {
  private static final int MAX_RESPONSE = 1024;

  private GrpcProbe() {}

  static void probe(
      Bootstrap bootstrap,
      Endpoint member,
      MemberTls tls,
      HealthMonitorConfig monitor,
      Consumer<Boolean> result) {
    Promise<Boolean> outcome = bootstrap.config().group().next().newPromise();
    outcome.addListener(f -> result.accept(f.isSuccess() && Boolean.TRUE.equals(f.getNow())));
    int timeoutMillis = (int) monitor.timeout().toMillis();
    InetSocketAddress target = HealthChecker.target(member, monitor);
    bootstrap
        .clone()
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                HealthChecker.overTls(ch, tls, target, member, monitor, true);
                ch.pipeline()
                    .addLast(Http2FrameCodecBuilder.forClient().build())
                    .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
              }
            })
        .connect(target)
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  Channel connection = connected.channel();
                  if (!connected.isSuccess()) {
                    outcome.trySuccess(false);
                    return;
                  }
                  var timeout =
                      connection
                          .eventLoop()
                          .schedule(
                              () -> outcome.trySuccess(false),
                              timeoutMillis,
                              TimeUnit.MILLISECONDS);
                  outcome.addListener(
                      f -> {
                        timeout.cancel(false);
                        connection.close();
                      });
                  connection.closeFuture().addListener(f -> outcome.trySuccess(false));
                  new Http2StreamChannelBootstrap(connection)
                      .handler(new Check(outcome))
                      .open()
                      .addListener(
                          (Future<Http2StreamChannel> opened) -> {
                            if (!opened.isSuccess()) {
                              outcome.trySuccess(false);
                              return;
                            }
                            ask(opened.getNow(), monitor, target);
                          });
                });
  }

  private static void ask(
      Http2StreamChannel stream, HealthMonitorConfig monitor, InetSocketAddress to) {
    DefaultHttp2Headers headers = new DefaultHttp2Headers();
    headers
        .method("POST")
        .path("/grpc.health.v1.Health/Check")
        .scheme("http")
        .authority(to.getHostString() + ":" + to.getPort());
    headers.set("content-type", "application/grpc");
    headers.set("te", "trailers");
    headers.set("user-agent", "gatehouse-health-check");
    stream.write(new DefaultHttp2HeadersFrame(headers));
    byte[] service = monitor.grpcService().getBytes(StandardCharsets.UTF_8);
    ByteBuf request = Unpooled.buffer(); // HealthCheckRequest: field 1, the service
    if (service.length > 0) {
      request.writeByte(0x0a);
      for (int n = service.length; ; n >>>= 7) { // a varint
        if (n < 0x80) {
          request.writeByte(n);
          break;
        }
        request.writeByte((n & 0x7f) | 0x80);
      }
      request.writeBytes(service);
    }
    ByteBuf message = Unpooled.buffer(5 + request.readableBytes()); // gRPC's framing
    message.writeByte(0).writeInt(request.readableBytes()).writeBytes(request);
    request.release();
    stream.writeAndFlush(new DefaultHttp2DataFrame(message, true));
  }

  /**
   * Reads the answer: the response message's status (SERVING is 1) and the trailers' grpc-status
   * (0); anything else, or more than a small response, fails the probe.
   */
  private static final class Check extends SimpleChannelInboundHandler<Http2StreamFrame> {
    private final Promise<Boolean> outcome;
    private final ByteBuf body = Unpooled.buffer();
    private boolean headersSeen;

    Check(Promise<Boolean> outcome) {
      this.outcome = outcome;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      if (frame instanceof Http2DataFrame data) {
        if (body.readableBytes() + data.content().readableBytes() > MAX_RESPONSE) {
          outcome.trySuccess(false);
          return;
        }
        body.writeBytes(data.content());
      } else if (frame instanceof Http2HeadersFrame headers) {
        CharSequence status = headers.headers().get("grpc-status");
        if (!headersSeen && !headers.isEndStream()) {
          headersSeen = true;
          CharSequence http = headers.headers().status();
          if (http == null || !"200".contentEquals(http)) {
            outcome.trySuccess(false);
          }
          return;
        }
        outcome.trySuccess(status != null && "0".contentEquals(status) && serving());
      }
    }

    /** Whether the one response message is exactly status SERVING (field 1, varint 1). */
    private boolean serving() {
      return body.readableBytes() == 7
          && body.getByte(0) == 0 // not compressed
          && body.getInt(1) == 2
          && body.getByte(5) == 0x08
          && body.getByte(6) == 1;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      body.release();
      outcome.trySuccess(false);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      outcome.trySuccess(false);
      ctx.close();
    }
  }
}
