package io.gatehouse.engine.http;

import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.MemberConnections;
import io.gatehouse.engine.pool.Pool;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.HashMap;
import java.util.Map;

/**
 * Streams to members that speak HTTP/2 (h2c, or over TLS): one connection per member and event
 * loop, opened on the first request and shared by every request after it, each request a stream of
 * its own that carries it as the HTTP/1.1 side of the engine sees it (a head, a body, trailers).
 */
final class MemberStreams {
  private final MemberConnector connector;
  private final ChannelHandler pipeline;
  private final UpstreamConnections upstreams;

  private final FastThreadLocal<Map<Object, Future<Channel>>> connections =
      new FastThreadLocal<>() {
        @Override
        protected Map<Object, Future<Channel>> initialValue() {
          return new HashMap<>();
        }
      };

  MemberStreams(
      Transport transport,
      HttpSettings settings,
      MemberConnections members,
      UpstreamConnections upstreams) {
    this.upstreams = upstreams;
    this.connector =
        new MemberConnector(
            new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true),
            members);
    this.pipeline =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast(
                    "h2",
                    Http2FrameCodecBuilder.forClient()
                        .initialSettings(
                            io.netty.handler.codec.http2.Http2Settings.defaultSettings()
                                .maxHeaderListSize(settings.maxHeaderSize() * 4L))
                        .build())
                .addLast(
                    "h2-streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
          }
        };
  }

  /**
   * A new stream to {@code member} of {@code pool} on {@code loop}, on the connection this loop
   * keeps to it (opened now, in clear or over the pool's TLS, when it has none).
   */
  Future<Channel> open(EventLoop loop, Endpoint member, Pool pool) {
    Promise<Channel> stream = loop.newPromise();
    Map<Object, Future<Channel>> kept = connections.get();
    Object key = MemberConnector.key(member.address(), pool.tls());
    Future<Channel> connection = kept.get(key);
    if (connection == null
        || (connection.isDone()
            && (!connection.isSuccess()
                || !connection.getNow().isActive()
                || goingAway(connection.getNow())))) {
      Future<Channel> opened = connector.connect(loop, member, pool, pipeline);
      connection = opened;
      kept.put(key, opened);
      opened.addListener(
          f -> {
            if (f.isSuccess()) {
              opened
                  .getNow()
                  .closeFuture()
                  .addListener(c -> kept.remove(key, opened)); // the next request opens another
            } else {
              kept.remove(key, opened);
            }
          });
    }
    Future<Channel> ready = connection;
    ready.addListener(
        f -> {
          if (!f.isSuccess()) {
            stream.tryFailure(f.cause());
            return;
          }
          new Http2StreamChannelBootstrap(ready.getNow())
              .handler(
                  new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                      ch.config().setAutoRead(false);
                      ch.pipeline()
                          .addLast("codec", new Http2StreamFrameToHttpObjectCodec(false))
                          .addLast("h2-bridge", new Bridge())
                          .addLast("backend", new HttpBackendHandler(upstreams));
                    }
                  })
              .open()
              .addListener(
                  (Future<Http2StreamChannel> opened) -> {
                    if (opened.isSuccess()) {
                      stream.trySuccess(opened.getNow());
                    } else {
                      stream.tryFailure(opened.cause());
                    }
                  });
        });
    return stream;
  }

  /**
   * Whether {@code upstream} is a stream its member never processed: one above the last stream the
   * member's GOAWAY names (RFC 9113, 6.8), which may be sent again.
   */
  static boolean unprocessed(Channel upstream) {
    if (!(upstream instanceof Http2StreamChannel stream) || stream.stream() == null) {
      return false;
    }
    Http2FrameCodec codec = stream.parent().pipeline().get(Http2FrameCodec.class);
    if (codec == null) {
      return false;
    }
    int id = stream.stream().id(); // -1: its HEADERS never went out
    Http2Connection connection = codec.connection();
    return id < 0
        || (connection.goAwayReceived() && id > connection.local().lastStreamKnownByPeer());
  }

  /** Whether the member said GOAWAY on {@code connection}: no new stream goes there. */
  private static boolean goingAway(Channel connection) {
    Http2FrameCodec codec = connection.pipeline().get(Http2FrameCodec.class);
    return codec == null || codec.connection().goAwayReceived();
  }

  /**
   * What crosses between the engine's HTTP/1.1 side and a member's stream: gRPC's {@code te:
   * trailers} (a hop-by-hop header on HTTP/1.1, which the engine drops) back on the request; a
   * response that came whole (a gRPC status with no body) as a head and an end whose trailers hold
   * the status, the form every client reads; the codec's {@code x-http2-*} headers never passed on.
   */
  private static final class Bridge extends ChannelDuplexHandler {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpRequest request) {
        request.headers().set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
      }
      ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpResponse whole) {
        HttpResponse head =
            new DefaultHttpResponse(whole.protocolVersion(), whole.status(), whole.headers());
        Http2Streams.stripExtensions(head);
        DefaultLastHttpContent end =
            new DefaultLastHttpContent(whole.content(), whole.trailingHeaders());
        for (String grpc :
            new String[] {"grpc-status", "grpc-message", "grpc-status-details-bin"}) {
          String value = head.headers().get(grpc);
          if (value != null) {
            end.trailingHeaders().set(grpc, value);
            head.headers().remove(grpc);
          }
        }
        ctx.fireChannelRead(head);
        ctx.fireChannelRead(end);
        return;
      }
      if (msg instanceof HttpResponse response) {
        Http2Streams.stripExtensions(response);
      }
      ctx.fireChannelRead(msg);
    }
  }
}
