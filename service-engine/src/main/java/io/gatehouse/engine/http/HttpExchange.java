package io.gatehouse.engine.http;

import io.gatehouse.engine.httppolicy.HeaderEdits;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.timing.TcpRtt;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One request and its response on a client connection: a member picked and a connection to it (kept
 * or new), the request streamed up, the response streamed back, timing recorded, and the member
 * connection returned or closed. Everything runs on the client connection's event loop; callbacks
 * that arrive after the exchange is over are ignored.
 */
final class HttpExchange {
  private final HttpFrontendHandler frontend;
  private final HttpFrontendHandler.Connection connection;
  private final ChannelHandlerContext ctx;

  private final HttpRequest head;
  private final VirtualService service; // the connection's, or the child that claims the request
  private final ServiceStats stats;
  private Pool pool; // the service's, or the one an HTTP rule chose
  private List<HeaderEdits> responseEdits; // what HTTP rules change in the response; null: nothing
  private Replay replay; // an h2c member's request body, until it answers; null otherwise
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
  private int status;
  private long bytesOut;
  private Channel upstream;
  private HttpBackendHandler backend;

  HttpExchange(
      HttpFrontendHandler frontend, HttpFrontendHandler.Connection connection, HttpRequest head) {
    this.frontend = frontend;
    this.connection = connection;
    this.ctx = connection.ctx();
    this.head = head;
    this.keepAlive = HttpUtil.isKeepAlive(head);
    this.service = connection.service().route(head);
    this.stats = service.stats();
    Pool served = service.pool();
    this.pool = served == null ? null : served.side(connection.client());
  }

  /** Whether the client has sent the whole request. */
  boolean requestComplete() {
    return requestComplete;
  }

  private boolean current() {
    return frontend.isCurrent(this);
  }

  void start() {
    stats.request();
    Admission.Outcome admission = Admission.decide(head, connection, service, pool);
    if (admission.answered()) {
      answer(admission.status(), admission.answer());
      return;
    }
    pool = admission.pool();
    responseEdits = admission.responseEdits();
    ProxyHeaders.toUpstream(head, connection.clientAddress(), connection.scheme());
    pending.add(head);
    if (pool != null && pool.multiplexed()) {
      replay = new Replay();
    }
    connect();
  }

  /** Picks a member not tried yet and gets a connection to it. */
  private void connect() {
    member = pool == null ? null : pool.pick(hashKey(), tried);
    if (member == null) {
      fail(
          tried.isEmpty() ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.BAD_GATEWAY,
          tried.isEmpty() ? "no pool member is up" : "no pool member could be reached");
      return;
    }
    member.started();
    counted = true;
    Channel idle = pool.multiplexed() ? null : connection.upstreams().pollIdle(member, pool);
    if (idle != null) {
      reused = true;
      attach(idle);
      return;
    }
    reused = false;
    Future<Channel> connecting =
        connection.upstreams().open(ctx.channel().eventLoop(), member, pool);
    Endpoint target = member;
    connecting.addListener(
        (Future<Channel> f) -> {
          if (!current() || member != target) {
            if (f.isSuccess()) {
              f.getNow().close();
            }
            return;
          }
          if (f.isSuccess()) {
            Channel opened = f.getNow();
            target.connected();
            // the handshake's round trip, read before a byte was sent on the connection (an
            // HTTP/2 stream's is its connection's), kept for every request on it
            opened
                .pipeline()
                .get(HttpBackendHandler.class)
                .handshakeRtt(TcpRtt.atAccept(opened.parent() != null ? opened.parent() : opened));
            attach(opened);
          } else {
            pool.connectFailed(target, f.cause());
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
    return value != null ? value : connection.clientAddress();
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
    armDeadline();
    if (!requestComplete && channel.isWritable()) {
      ctx.read();
    }
  }

  void requestContent(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      content.release();
      refuseBody(); // a broken chunked body: nothing sensible can follow
      return;
    }
    if (content.content().isReadable()) {
      bodyless = false;
      stats.bytesIn(content.content().readableBytes());
    }
    if (content instanceof LastHttpContent) {
      requestComplete = true;
    }
    if (replay != null) {
      replay.keep(content);
    }
    if (upstream == null) {
      pending.add(content);
    } else {
      upstream.write(content);
      armDeadline();
    }
  }

  /**
   * Moves the exchange's deadline by the phase it is in: while a body streams either way, the
   * longest silence allowed; once the whole request is sent, the time the member has to answer.
   * Arming only moves a deadline (see {@link Deadline}), so this runs on every read.
   */
  private void armDeadline() {
    HttpSettings settings = connection.settings();
    Duration limit =
        responseStarted || !requestComplete
            ? settings.readIdleTimeout()
            : settings.firstByteTimeout();
    connection.responseDeadline().arm(limit.toNanos());
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
    dropReplay(); // the member has the request
    firstByteAt = System.nanoTime();
    member.responded(firstByteAt - sentAt);
    status = response.status().code();
    pool.answered(member, status);
    stats.response(status);
    // a member may answer before the request body is through: whether the client connection
    // can carry another request is known when the response ends
    keepAlive = ProxyHeaders.toClient(response, keepAlive, head.protocolVersion());
    if (responseEdits != null) {
      responseEdits.forEach(edits -> edits.apply(response.headers()));
    }
    ctx.write(response);
    armDeadline();
  }

  void responseContent(HttpContent content) {
    bytesOut += content.content().readableBytes();
    stats.bytesOut(content.content().readableBytes());
    if (content instanceof LastHttpContent) {
      ctx.write(content);
      finish();
    } else {
      ctx.write(content);
      armDeadline();
    }
  }

  void upstreamReadComplete() {
    ctx.flush();
    if (current() && ctx.channel().isWritable()) {
      upstream.read();
    }
  }

  /** The member switched protocols (a WebSocket handshake): see {@link ProtocolSwitch}. */
  void switched(HttpResponse response) {
    stats.response(response.status().code());
    ProxyHeaders.toClientUpgraded(response);
    Channel server = upstream;
    end();
    ProtocolSwitch.relay(ctx, frontend, server, response, stats, connection.relayIdleTimeout());
  }

  /** The response is complete: the upstream connection goes back, the client's next turn. */
  private void finish() {
    if (connection.settings().timing()) {
      ExchangeRecords.timings(
          service,
          member,
          connection.clientRttMicros(),
          backend.handshakeRtt(),
          receivedAt,
          sentAt,
          firstByteAt);
    }
    clientLog(status);
    end();
    if (backend.detach() && requestComplete) {
      connection.upstreams().release(upstream);
    } else {
      upstream.close();
    }
    if (keepAlive && requestComplete && !connection.service().retired()) {
      ctx.flush();
      frontend.awaitRequest();
    } else {
      frontend.closeAfterResponse();
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
    } else if (replay != null && replay.whole() && MemberStreams.unprocessed(upstream)) {
      // a stream the member's GOAWAY says it never processed: sent again, body and all, to
      // another member (the rest of a body still coming follows it there)
      tried.add(member);
      releaseMember();
      upstream = null;
      cancelResponseTimer();
      pending.add(head);
      replay.addTo(pending);
      connect();
    } else if (bodyless && requestComplete && (reused || idempotent(head.method()))) {
      // a kept connection the member had closed: the request is sent again on a new one; a
      // member that went away with the request (a task being killed): an idempotent request is
      // sent again to another member
      Endpoint gone = member;
      boolean stale = reused;
      releaseMember();
      upstream = null;
      cancelResponseTimer();
      pending.add(head);
      pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
      if (stale) {
        connectFresh();
      } else {
        tried.add(gone);
        connect();
      }
    } else {
      fail(HttpResponseStatus.BAD_GATEWAY, "the pool member closed the connection");
    }
  }

  /**
   * The member sent what is not a well-framed response (refused by its codec): its connection is
   * closed, and the client gets a 502, or sees its connection end when the response had started.
   * The request is not sent again: the member did answer.
   */
  void badResponse() {
    Channel bad = upstream;
    if (current()) {
      if (responseStarted) {
        end();
        ctx.flush();
        ctx.close(); // a truncated response: the client must see the connection end
      } else {
        fail(HttpResponseStatus.BAD_GATEWAY, "the pool member sent a malformed response");
      }
    }
    bad.close();
  }

  /**
   * The client's chunked body broke off (a chunk size that overflows, an over-long extension or
   * trailer): the member never gets a complete request, its connection is closed, and the client
   * gets a 400 unless the response had started.
   */
  private void refuseBody() {
    Channel partial = upstream;
    if (responseStarted) {
      end();
      ctx.close();
    } else {
      keepAlive = false;
      fail(HttpResponseStatus.BAD_REQUEST, "a malformed chunked body");
    }
    if (partial != null) {
      partial.close();
    }
  }

  /** Methods a request may be sent twice with (RFC 9110, 9.2.2). */
  private static boolean idempotent(HttpMethod method) {
    return method.equals(HttpMethod.GET)
        || method.equals(HttpMethod.HEAD)
        || method.equals(HttpMethod.OPTIONS)
        || method.equals(HttpMethod.TRACE)
        || method.equals(HttpMethod.PUT)
        || method.equals(HttpMethod.DELETE);
  }

  private void connectFresh() {
    // the member is still the right one; only the kept connection was stale
    tried.clear();
    Channel idle;
    while ((idle = connection.upstreams().pollIdle(member, pool)) != null) {
      idle.close(); // its siblings are likely stale too
    }
    connect();
  }

  /** The deadline of the exchange's phase passed (see {@link #armDeadline}). */
  void responseTimedOut() {
    if (!current()) {
      return;
    }
    if (responseStarted) {
      end();
      upstream.close();
      ctx.close(); // a response that stopped moving: the client sees it cut short
      return;
    }
    Channel late = upstream;
    if (requestComplete) {
      fail(HttpResponseStatus.GATEWAY_TIMEOUT, "the pool member did not answer in time");
    } else {
      keepAlive = false; // the rest of the body may still come: nothing after it can be read
      fail(HttpResponseStatus.REQUEST_TIMEOUT, "the request body stopped coming");
    }
    late.close();
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
    answer(status, ErrorResponses.answer(head, status, reason, null));
  }

  /** Answers the request with {@code response}, which says {@code status}. */
  private void answer(HttpResponseStatus status, FullHttpResponse response) {
    end();
    if (upstream != null) {
      backend.detach();
      upstream = null;
    }
    stats.response(status.code());
    clientLog(status.code());
    // a request without a body can be answered before its end marker is read: the marker is
    // dropped on arrival and the connection serves the next request
    boolean bodyless =
        !HttpUtil.isTransferEncodingChunked(head) && HttpUtil.getContentLength(head, 0L) == 0;
    boolean reusable = keepAlive && (requestComplete || bodyless);
    ErrorResponses.write(ctx, response, reusable);
    if (reusable) {
      frontend.awaitRequest();
    }
  }

  /** Hands this request to the client logs when they want it (see {@link ExchangeRecords}). */
  private void clientLog(int code) {
    ExchangeRecords.clientLog(
        connection, service, pool, head, code, bytesOut, member, receivedAt, sentAt, firstByteAt);
  }

  /** Marks the exchange over: pending messages released, the member's count back. */
  private void dropReplay() {
    if (replay != null) {
      replay.release();
      replay = null;
    }
  }

  private void end() {
    dropReplay();
    releaseMember();
    cancelResponseTimer();
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
    frontend.ended(this);
  }

  private void releaseMember() {
    if (counted) {
      member.finished();
      counted = false;
    }
  }

  private void cancelResponseTimer() {
    connection.responseDeadline().disarm();
  }
}
