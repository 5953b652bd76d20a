package io.gatehouse.sim.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 server. Requests are handled off the event loop, on one executor thread per request
 * in a small pool, because handlers wait for the simulator's state thread.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final EventLoopGroup group;
  private final ExecutorService handlers;
  private final Channel channel;
  private final ChannelGroup connections;

  private HttpServer(
      EventLoopGroup group, ExecutorService handlers, Channel channel, ChannelGroup connections) {
    this.group = group;
    this.handlers = handlers;
    this.channel = channel;
    this.connections = connections;
  }

  /**
   * Binds {@code address} (a TCP address, or a {@link UnixDomainSocketAddress}) and serves {@code
   * router}. With {@code credentials} ("user:password"), every request needs HTTP Basic auth except
   * {@code /ping}.
   */
  public static HttpServer start(
      SocketAddress address, Router router, String credentials, String realm)
      throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ExecutorService handlers =
        Executors.newCachedThreadPool(new DefaultThreadFactory("sim-http", true));
    String expected =
        credentials == null
            ? null
            : "Basic "
                + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    // every accepted connection, so stopping closes them (clients see the end at once, as when a
    // real Marathon goes away) instead of leaving them open on a stopped event loop
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    Channel channel =
        new ServerBootstrap()
            .group(group)
            .channelFactory(
                () ->
                    address instanceof UnixDomainSocketAddress
                        ? new NioServerDomainSocketChannel()
                        : new NioServerSocketChannel())
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast("codec", new HttpServerCodec())
                        .addLast("aggregator", new HttpObjectAggregator(MAX_BODY))
                        .addLast("dispatch", new Dispatcher(router, handlers, expected, realm));
                  }
                })
            .bind(address)
            .sync()
            .channel();
    log.info("listening on {}", channel.localAddress());
    return new HttpServer(group, handlers, channel, connections);
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    handlers.shutdownNow();
  }

  /** Routes each request to its handler on the executor and maps failures to responses. */
  private static final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Router router;
    private final ExecutorService handlers;
    private final String expectedAuthorization;
    private final String realm;

    Dispatcher(
        Router router, ExecutorService handlers, String expectedAuthorization, String realm) {
      this.router = router;
      this.handlers = handlers;
      this.expectedAuthorization = expectedAuthorization;
      this.realm = realm;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      FullHttpRequest retained = request.retainedDuplicate();
      handlers.execute(
          () -> {
            try {
              handle(ctx, retained);
            } finally {
              retained.release();
            }
          });
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
      HttpExchange bare = new HttpExchange(ctx, request, java.util.Map.of());
      try {
        if (expectedAuthorization != null
            && !bare.path().equals("/ping")
            && !expectedAuthorization.equals(request.headers().get("Authorization"))) {
          unauthorized(bare);
          return;
        }
        Router.Match match = router.find(request.method().name(), bare.path());
        if (match == null) {
          bare.text(
              404,
              "<html><body><h2>HTTP ERROR: 404</h2><p>Problem accessing "
                  + bare.path()
                  + ". Reason: Not Found</p></body></html>",
              "text/html;charset=ISO-8859-1");
          return;
        }
        if (match.handler() == null) {
          bare.json(
              405,
              HttpError.of(405, "HTTP method " + bare.method() + " is not supported by this URL")
                  .body());
          return;
        }
        match.handler().accept(new HttpExchange(ctx, request, match.params()));
      } catch (HttpError e) {
        bare.json(e.status(), e.body());
      } catch (RuntimeException e) {
        log.error("{} {} failed", request.method(), request.uri(), e);
        bare.json(500, HttpError.of(500, "internal error: " + e.getClass().getSimpleName()).body());
      }
    }

    private void unauthorized(HttpExchange exchange) {
      HttpError error = HttpError.of(401, "Invalid username or password.");
      exchange.json(
          401, error.body(), java.util.Map.of("WWW-Authenticate", "Basic realm=\"" + realm + "\""));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.getMessage());
      ctx.close();
    }
  }
}
