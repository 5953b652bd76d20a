package io.gatehouse.engine.http;

import io.gatehouse.engine.http.framing.FramingException;
import io.gatehouse.engine.http.framing.ServerCodec;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.listener.VirtualService;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The client side of an HTTP/1.1 connection: one {@link Exchange} at a time, each a request sent to
 * a pool member and its response streamed back. Bodies stream both ways without aggregation;
 * reading is driven by hand (AUTO_READ off) so that each side reads only as fast as the other side
 * writes. Requests pipelined behind the current one wait their turn.
 */
final class HttpFrontendHandler extends ChannelInboundHandlerAdapter implements ClientSide {
  private final VirtualService service;
  private final UpstreamConnections upstreams;
  private final HttpSettings settings;
  private final String scheme;
  private final Duration relayIdleTimeout;
  private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private HttpExchange exchange;
  private ClientConnection connection;
  private Deadline requestDeadline; // for the next request head
  private Deadline responseDeadline; // for the current exchange's response
  private boolean firstRequest = true;
  private boolean headStarted; // bytes of the next request head have arrived
  private ServerCodec codec;

  HttpFrontendHandler(
      VirtualService service,
      UpstreamConnections upstreams,
      HttpSettings settings,
      String scheme,
      Duration relayIdleTimeout) {
    this.service = service;
    this.upstreams = upstreams;
    this.settings = settings;
    this.scheme = scheme;
    this.relayIdleTimeout = relayIdleTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.codec = ctx.pipeline().get(ServerCodec.class);
    this.requestDeadline = new Deadline(ctx.executor(), this::requestTimedOut);
    this.responseDeadline =
        new Deadline(
            ctx.executor(),
            () -> {
              if (exchange != null) {
                exchange.responseTimedOut();
              }
            });
  }

  /**
   * Starts serving a connection whose protocol became known after it was active (after ALPN, or its
   * first bytes), so this handler missed its activation.
   */
  void startLate() {
    start(ctx);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  private void start(ChannelHandlerContext ctx) {
    if (connection != null) {
      return;
    }
    connection = ClientConnection.of(ctx, service, upstreams, settings, scheme, responseDeadline);
    service.opened(ctx.channel());
    awaitRequest();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event == VirtualService.Retired.INSTANCE) {
      if (exchange == null && pipelined.isEmpty()) {
        ctx.close(); // between two requests: nothing to finish
      }
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (connection == null) {
      return; // never started
    }
    requestDeadline.cancel();
    responseDeadline.cancel();
    if (exchange != null) {
      exchange.clientGone();
    }
    pipelined.forEach(ReferenceCountUtil::release);
    pipelined.clear();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!pipelined.isEmpty() || (exchange != null && exchange.requestComplete())) {
      pipelined.add(msg); // the next request: served when this one is done
      return;
    }
    handle(msg);
  }

  private void handle(Object msg) {
    if (msg instanceof HttpRequest request) {
      requestDeadline.disarm();
      if (service.retired()) {
        ReferenceCountUtil.release(msg); // the service is gone: the client reconnects elsewhere
        ctx.close();
        return;
      }
      if (request.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        rejectMalformed(request.decoderResult().cause());
        return;
      }
      firstRequest = false;
      exchange = new HttpExchange(this, connection, request);
      exchange.start();
    }
    if (msg instanceof HttpContent content) {
      if (exchange == null) {
        content.release(); // after a refused request head
        return;
      }
      exchange.requestContent(content);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange == null) {
      if (!headStarted && codec != null && codec.headInProgress()) {
        // the first bytes of the next head: from now on it has the head timeout to arrive whole,
        // on a kept connection as on a new one
        headStarted = true;
        requestDeadline.arm(settings.headerTimeout().toNanos());
      }
      ctx.read(); // a request head is still coming
    } else {
      exchange.clientReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null && ctx.channel().isWritable()) {
      exchange.clientWritable();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // resets and the like: channelInactive cleans up
  }

  /**
   * Answers a request the codec refused, and closes: nothing after it on the connection can be
   * trusted to start where the engine thinks it starts.
   */
  private void rejectMalformed(Throwable cause) {
    HttpResponseStatus status =
        cause instanceof FramingException framing
            ? framing.status()
            : cause instanceof TooLongHttpLineException
                ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                : cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongFrameException
                        ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                        : HttpResponseStatus.BAD_REQUEST;
    service.stats().response(status.code());
    String reason =
        cause instanceof FramingException ? cause.getMessage() : "malformed request"; // own words
    ErrorResponses.send(ctx, status, reason, false);
  }

  /**
   * Serves what the client pipelined, then waits for the next request head, for a limited time
   * (slow clients are closed on).
   */
  void awaitRequest() {
    if (!pipelined.isEmpty()) {
      // in a task of its own: the member connection just given back may still be decoding what
      // its member sent after the response (an unasked-for second response), which must meet an
      // idle connection that closes on it, not the next request
      ctx.executor().execute(this::servePipelined);
      return;
    }
    waitForHead();
  }

  private void servePipelined() {
    while (!pipelined.isEmpty() && (exchange == null || !exchange.requestComplete())) {
      handle(pipelined.poll());
    }
    if (exchange == null && ctx.channel().isActive()) {
      waitForHead();
    }
  }

  private void waitForHead() {
    headStarted = firstRequest; // a first request's head is timed from the connection's start
    Duration limit = firstRequest ? settings.headerTimeout() : settings.idleTimeout();
    requestDeadline.arm(limit.toNanos());
    ctx.read();
  }

  @Override
  public void read() {
    ctx.read();
  }

  @Override
  public void write(HttpObject part) {
    ctx.write(part);
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public boolean writable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void abort() {
    ctx.flush();
    ctx.close();
  }

  @Override
  public void answer(FullHttpResponse response, boolean reusable) {
    ErrorResponses.write(ctx, response, reusable);
    if (reusable) {
      awaitRequest();
    }
  }

  @Override
  public void nextRequest() {
    ctx.flush();
    awaitRequest();
  }

  /** Ends the connection once what is written has gone. */
  @Override
  public void closeAfterResponse() {
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public boolean canSwitch() {
    return true;
  }

  @Override
  public void switchProtocols(Channel server, HttpResponse response, ServiceStats stats) {
    ProtocolSwitch.relay(ctx, this, server, response, stats, relayIdleTimeout);
  }

  @Override
  public boolean isCurrent(HttpExchange candidate) {
    return exchange == candidate;
  }

  @Override
  public void ended(HttpExchange ended) {
    if (exchange == ended) {
      exchange = null;
    }
  }

  private void requestTimedOut() {
    if (exchange == null && ctx.channel().isActive()) {
      if (headStarted) {
        service.stats().response(408);
        ErrorResponses.send(
            ctx, HttpResponseStatus.REQUEST_TIMEOUT, "request head too slow", false);
      } else {
        ctx.close(); // an idle keep-alive connection
      }
    }
  }
}
