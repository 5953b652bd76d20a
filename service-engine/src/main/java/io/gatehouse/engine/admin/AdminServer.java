package io.gatehouse.engine.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.StaticConfigFile;
import io.gatehouse.engine.internal.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;

/**
 * The admin port: {@code /health} (200 while the engine runs), {@code /metrics} (Prometheus text)
 * and {@code /config} (the configuration applied, in the static file's form). It has an event loop
 * of its own, so a scrape never competes with traffic for a data-plane loop.
 */
public final class AdminServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventLoopGroup group;
  private final Channel channel;
  private final PrometheusRegistry registry;

  /**
   * @param address where to listen: a loopback address, unless {@code token} is given
   * @param token the bearer token every path but {@code /health} requires; null for none
   * @throws IllegalArgumentException when {@code address} is not loopback and there is no token
   */
  public AdminServer(
      ServiceEngine engine, Transport transport, InetSocketAddress address, String token) {
    if (token == null && !address.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException(
          address.getHostString()
              + " is not a loopback address: an admin port reachable from elsewhere needs a"
              + " bearer token (--admin-token-file)");
    }
    this.registry = new PrometheusRegistry();
    registry.register(new EngineMetrics(engine));
    Handler handler = new Handler(engine, registry, token);
    this.group = transport.group(1, "se-admin");
    this.channel =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast("codec", new HttpServerCodec())
                        .addLast("aggregator", new HttpObjectAggregator(16 * 1024))
                        .addLast("admin", handler);
                  }
                })
            .bind(address)
            .syncUninterruptibly()
            .channel();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** Adds figures of another part of the engine (the control stream, analytics) to /metrics. */
  public void register(io.prometheus.metrics.model.registry.MultiCollector collector) {
    registry.register(collector);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @ChannelHandler.Sharable
  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ServiceEngine engine;
    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter prometheus = PrometheusTextFormatWriter.create();
    private final byte[] authorization; // the whole Authorization value expected; null: none

    Handler(ServiceEngine engine, PrometheusRegistry registry, String token) {
      this.engine = engine;
      this.registry = registry;
      this.authorization =
          token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Whether the request may see {@code path}: /health is for anyone, the rest needs the token.
     */
    private boolean authorized(FullHttpRequest request, String path) {
      if (authorization == null || path.equals("/health")) {
        return true;
      }
      String given = request.headers().get(HttpHeaderNames.AUTHORIZATION);
      return given != null
          && MessageDigest.isEqual(authorization, given.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String path = new QueryStringDecoder(request.uri()).path();
      FullHttpResponse response;
      if (!authorized(request, path)) {
        response = text(HttpResponseStatus.UNAUTHORIZED, "a bearer token is required\n");
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      } else if (!request.method().equals(HttpMethod.GET)) {
        response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n");
      } else {
        response =
            switch (path) {
              case "/health" ->
                  json("{\"status\":\"UP\",\"transport\":\"" + engine.transportName() + "\"}");
              case "/metrics" -> metrics();
              case "/config" -> config();
              default -> text(HttpResponseStatus.NOT_FOUND, "try /health, /metrics or /config\n");
            };
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private FullHttpResponse metrics() {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.buffer());
      try (ByteBufOutputStream out = new ByteBufOutputStream(response.content())) {
        prometheus.write(out, registry.scrape());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, PrometheusTextFormatWriter.CONTENT_TYPE);
      HttpUtil.setContentLength(response, response.content().readableBytes());
      return response;
    }

    private FullHttpResponse config() {
      try {
        return json(
            JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(StaticConfigFile.render(engine.current())));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    private static FullHttpResponse json(String body) {
      FullHttpResponse response = text(HttpResponseStatus.OK, body);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      return response;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      HttpUtil.setContentLength(response, bytes.length);
      return response;
    }
  }
}
