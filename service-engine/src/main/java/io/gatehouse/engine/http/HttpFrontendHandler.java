package io.gatehouse.engine.http;

import io.gatehouse.engine.internal.RelayHandler;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.timing.RequestTimings;
import io.gatehouse.engine.timing.TimingComponent;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The client side of an HTTP/1.1 connection: one {@link Exchange} at a time, each a request sent to
 * a pool member and its response streamed back. Bodies stream both ways without aggregation;
 * reading is driven by hand (AUTO_READ off) so that each side reads only as fast as the other side
 * writes. Requests pipelined behind the current one wait their turn.
 */
final class HttpFrontendHandler extends ChannelInboundHandlerAdapter {
  private final VirtualService service;
  private final UpstreamConnections upstreams;
  private final HttpSettings settings;
  private final String scheme;
  private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Exchange exchange;
  private Deadline requestDeadline; // for the next request head
  private Deadline responseDeadline; // for the current exchange's response
  private String clientAddress;
  private final TcpRtt rtt = new TcpRtt();
  private int requestsServed;
  private boolean firstRequest = true;

  HttpFrontendHandler(
      VirtualService service, UpstreamConnections upstreams, HttpSettings settings, String scheme) {
    this.service = service;
    this.upstreams = upstreams;
    this.settings = settings;
    this.scheme = scheme;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
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

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    service.stats().connectionOpened();
    clientAddress =
        ctx.channel().remoteAddress() instanceof InetSocketAddress inet
            ? inet.getAddress().getHostAddress()
            : String.valueOf(ctx.channel().remoteAddress()); // not IP: a unix socket, a test
    awaitRequest();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    service.stats().connectionClosed();
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
    if (!pipelined.isEmpty() || (exchange != null && exchange.requestComplete)) {
      pipelined.add(msg); // the next request: served when this one is done
      return;
    }
    handle(msg);
  }

  private void handle(Object msg) {
    if (msg instanceof HttpRequest request) {
      requestDeadline.disarm();
      if (request.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        rejectMalformed(request.decoderResult().cause());
        return;
      }
      exchange = new Exchange(request);
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

  private void rejectMalformed(Throwable cause) {
    HttpResponseStatus status =
        cause instanceof TooLongHttpLineException
            ? HttpResponseStatus.REQUEST_URI_TOO_LONG
            : cause instanceof TooLongHttpHeaderException
                ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : cause instanceof TooLongFrameException
                    ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
    service.stats().response(status.code());
    ErrorResponses.send(ctx, status, "malformed request", false);
  }

  /**
   * Serves what the client pipelined, then waits for the next request head, for a limited time
   * (slow clients are closed on).
   */
  private void awaitRequest() {
    while (!pipelined.isEmpty() && (exchange == null || !exchange.requestComplete)) {
      handle(pipelined.poll());
    }
    if (exchange != null) {
      return;
    }
    Duration limit = firstRequest ? settings.headerTimeout() : settings.idleTimeout();
    requestDeadline.arm(limit.toNanos());
    ctx.read();
  }

  private void requestTimedOut() {
    if (exchange == null && ctx.channel().isActive()) {
      if (firstRequest) {
        service.stats().response(408);
        ErrorResponses.send(
            ctx, HttpResponseStatus.REQUEST_TIMEOUT, "request head too slow", false);
      } else {
        ctx.close(); // an idle keep-alive connection
      }
    }
  }

  /** One request and its response. Callbacks from an exchange that is over are ignored. */
  final class Exchange {
    private final HttpRequest head;
    private final ServiceStats stats = service.stats();
    private final Pool pool = service.pool();
    private final Set<Endpoint> tried = new HashSet<>(2);
    private final List<HttpObject> pending = new ArrayList<>(2);
    private boolean keepAlive;
    private boolean requestComplete;
    private boolean bodyless = true;
    private boolean responseStarted;
    private boolean reused;
    private Endpoint member;
    private boolean counted; // member.started() without its finished() yet
    private long sentAt; // System.nanoTime() when the request head went to the member
    private final long receivedAt = System.nanoTime();
    private long firstByteAt;
    private Channel upstream;
    private HttpBackendHandler backend;

    Exchange(HttpRequest head) {
      this.head = head;
      this.keepAlive = HttpUtil.isKeepAlive(head);
    }

    private boolean current() {
      return exchange == this;
    }

    void start() {
      firstRequest = false;
      stats.request();
      ProxyHeaders.toUpstream(head, clientAddress, scheme);
      pending.add(head);
      connect();
    }

    /** Picks a member not tried yet and gets a connection to it. */
    private void connect() {
      member = pool == null ? null : pool.pick(hashKey(), tried);
      if (member == null) {
        fail(
            tried.isEmpty()
                ? HttpResponseStatus.SERVICE_UNAVAILABLE
                : HttpResponseStatus.BAD_GATEWAY,
            tried.isEmpty() ? "no pool member is up" : "no pool member could be reached");
        return;
      }
      member.started();
      counted = true;
      Channel idle = upstreams.pollIdle(member.address());
      if (idle != null) {
        reused = true;
        attach(idle);
        return;
      }
      reused = false;
      ChannelFuture connecting =
          upstreams.connect(ctx.channel().eventLoop(), member.address(), pool.connectTimeout());
      Endpoint target = member;
      connecting.addListener(
          (ChannelFutureListener)
              f -> {
                if (!current() || member != target) {
                  f.channel().close();
                  return;
                }
                if (f.isSuccess()) {
                  target.connected();
                  attach(f.channel());
                } else {
                  pool.connectFailed(target);
                  releaseMember();
                  tried.add(target);
                  connect();
                }
              });
    }

    /** What a consistent-hash pool hashes: the configured header's value, or the client. */
    private CharSequence hashKey() {
      String header = pool.hashHeader();
      String value = header == null ? null : head.headers().get(header);
      return value != null ? value : clientAddress;
    }

    private void attach(Channel channel) {
      upstream = channel;
      backend = channel.pipeline().get(HttpBackendHandler.class);
      backend.attach(this);
      for (HttpObject message : pending) {
        channel.write(message);
      }
      pending.clear();
      channel.flush();
      sentAt = System.nanoTime();
      channel.read();
      responseDeadline.arm(settings.responseTimeout().toNanos());
      if (!requestComplete && channel.isWritable()) {
        ctx.read();
      }
    }

    void requestContent(HttpContent content) {
      if (content.decoderResult().isFailure()) {
        content.release();
        ctx.close(); // a broken chunked body: nothing sensible can follow
        return;
      }
      if (content.content().isReadable()) {
        bodyless = false;
        stats.bytesIn(content.content().readableBytes());
      }
      if (content instanceof LastHttpContent) {
        requestComplete = true;
      }
      if (upstream == null) {
        pending.add(content);
      } else {
        upstream.write(content);
      }
    }

    void clientReadComplete() {
      if (upstream != null) {
        upstream.flush();
        if (!requestComplete && upstream.isWritable()) {
          ctx.read();
        }
      }
    }

    void upstreamWritable() {
      if (current() && !requestComplete) {
        ctx.read();
      }
    }

    void clientWritable() {
      if (upstream != null && responseStarted) {
        upstream.read();
      }
    }

    void responseHead(HttpResponse response) {
      responseStarted = true;
      firstByteAt = System.nanoTime();
      member.responded(firstByteAt - sentAt);
      stats.response(response.status().code());
      // a member may answer before the request body is through: whether the client connection
      // can carry another request is known when the response ends
      keepAlive = ProxyHeaders.toClient(response, keepAlive);
      ctx.write(response);
    }

    void responseContent(HttpContent content) {
      stats.bytesOut(content.content().readableBytes());
      if (content instanceof LastHttpContent) {
        ctx.write(content);
        finish();
      } else {
        ctx.write(content);
      }
    }

    void upstreamReadComplete() {
      ctx.flush();
      if (current() && ctx.channel().isWritable()) {
        upstream.read();
      }
    }

    /**
     * Records this request's timing for its virtual service and member. Round trips come from the
     * kernel's TCP estimate, read on the first request of a connection and every 64th after (a
     * system call each).
     */
    private void recordTimings() {
      long now = System.nanoTime();
      RequestTimings forService = service.timings();
      RequestTimings forMember = member.timings();
      record(forService, forMember, TimingComponent.APP_RESPONSE, firstByteAt - sentAt);
      record(forService, forMember, TimingComponent.DATA_TRANSFER, now - firstByteAt);
      record(forService, forMember, TimingComponent.TOTAL, now - receivedAt);
      if ((requestsServed++ & 63) == 0) {
        long client = rtt.micros(ctx.channel());
        long server = rtt.micros(upstream);
        forService.recordMicros(TimingComponent.CLIENT_RTT, client);
        forMember.recordMicros(TimingComponent.CLIENT_RTT, client);
        forService.recordMicros(TimingComponent.SERVER_RTT, server);
        forMember.recordMicros(TimingComponent.SERVER_RTT, server);
      }
    }

    private static void record(
        RequestTimings service, RequestTimings member, TimingComponent component, long nanos) {
      service.record(component, nanos);
      member.record(component, nanos);
    }

    /**
     * The member switched protocols (a WebSocket handshake): the 101 goes to the client, then both
     * connections drop their HTTP handlers and relay bytes until either side closes.
     */
    void switched(HttpResponse response) {
      stats.response(response.status().code());
      ProxyHeaders.toClientUpgraded(response);
      Channel client = ctx.channel();
      Channel server = upstream;
      end();
      ChannelPipeline serverPipeline = server.pipeline();
      serverPipeline.addLast("relay", new RelayHandler(client, stats::bytesOut, () -> {}));
      serverPipeline.remove(HttpBackendHandler.class);
      serverPipeline.remove("codec"); // bytes decoded after the 101 flow on to the relay
      ctx.writeAndFlush(response); // encoded now, before the codec goes
      ChannelPipeline clientPipeline = client.pipeline();
      clientPipeline.addLast(
          "relay", new RelayHandler(server, stats::bytesIn, stats::connectionClosed));
      clientPipeline.remove("expect-continue");
      clientPipeline.remove("codec");
      clientPipeline.remove(HttpFrontendHandler.this);
      server.read();
      client.read();
    }

    /** The response is complete: the upstream connection goes back, the client's next turn. */
    private void finish() {
      if (settings.timing()) {
        recordTimings();
      }
      end();
      if (backend.detach() && requestComplete) {
        upstreams.release(upstream);
      } else {
        upstream.close();
      }
      if (keepAlive && requestComplete) {
        ctx.flush();
        awaitRequest();
      } else {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }

    /** The member closed the connection before the response was complete. */
    void upstreamClosed() {
      if (!current()) {
        return;
      }
      if (responseStarted) {
        end();
        ctx.flush();
        ctx.close(); // a truncated response: the client must see the connection end
      } else if (reused && bodyless && requestComplete) {
        // a kept connection the member had closed: the request is sent again on a new one
        releaseMember();
        upstream = null;
        cancelResponseTimer();
        pending.add(head);
        pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
        connectFresh();
      } else {
        fail(HttpResponseStatus.BAD_GATEWAY, "the pool member closed the connection");
      }
    }

    private void connectFresh() {
      // the member is still the right one; only the kept connection was stale
      tried.clear();
      Channel idle;
      while ((idle = upstreams.pollIdle(member.address())) != null) {
        idle.close(); // its siblings are likely stale too
      }
      connect();
    }

    void responseTimedOut() {
      if (!current()) {
        return;
      }
      if (responseStarted) {
        end();
        upstream.close();
        ctx.close();
      } else {
        Channel late = upstream;
        fail(HttpResponseStatus.GATEWAY_TIMEOUT, "the pool member did not answer in time");
        late.close();
      }
    }

    /** The client went away: the member's work is abandoned. */
    void clientGone() {
      if (!current()) {
        return;
      }
      end();
      if (upstream != null) {
        backend.detach();
        upstream.close();
      }
    }

    private void fail(HttpResponseStatus status, String reason) {
      end();
      if (upstream != null) {
        backend.detach();
        upstream = null;
      }
      stats.response(status.code());
      // a request without a body can be answered before its end marker is read: the marker is
      // dropped on arrival and the connection serves the next request
      boolean bodyless =
          !HttpUtil.isTransferEncodingChunked(head) && HttpUtil.getContentLength(head, 0L) == 0;
      boolean reusable = keepAlive && (requestComplete || bodyless);
      ErrorResponses.send(ctx, status, reason, reusable);
      if (reusable) {
        awaitRequest();
      }
    }

    /** Marks the exchange over: pending messages released, the member's count back. */
    private void end() {
      releaseMember();
      cancelResponseTimer();
      pending.forEach(ReferenceCountUtil::release);
      pending.clear();
      exchange = null;
    }

    private void releaseMember() {
      if (counted) {
        member.finished();
        counted = false;
      }
    }

    private void cancelResponseTimer() {
      responseDeadline.disarm();
    }
  }
}
