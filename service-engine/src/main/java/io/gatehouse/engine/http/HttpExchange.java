package io.gatehouse.engine.http;

import io.gatehouse.engine.httppolicy.HeaderEdits;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Pool;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.List;

/**
 * One request and its response on a client connection: admitted ({@link Admission}), sent to a
 * member ({@link MemberLeg}), the request streamed up, the response streamed back, timing recorded,
 * and the client's connection ready for the next request or closed. Everything runs on the client
 * connection's event loop; callbacks that arrive after the exchange is over are ignored.
 */
final class HttpExchange {
  private final ClientSide client;
  private final ClientConnection connection;

  private final HttpRequest head;
  private final VirtualService service; // the connection's, or the child that claims the request
  private final ServiceStats stats;
  private Pool pool; // the service's, or the one an HTTP rule chose
  private List<HeaderEdits> responseEdits; // what HTTP rules change in the response; null: nothing
  private MemberLeg leg; // null when the engine answered the request itself from the start
  private boolean keepAlive;
  private boolean requestComplete;
  private boolean bodyless = true;
  private boolean responseStarted;
  private final long receivedAt = System.nanoTime();
  private long firstByteAt;
  private int status;
  private long bytesOut;

  HttpExchange(ClientSide client, ClientConnection connection, HttpRequest head) {
    this.client = client;
    this.connection = connection;
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

  /** Whether the client connection still serves this exchange. */
  boolean current() {
    return client.isCurrent(this);
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
    leg = new MemberLeg(this, connection, head, pool);
    leg.connect();
  }

  /** No member can have the request: none is up, or none of those tried could be reached. */
  void unreachable(boolean noneTried) {
    fail(
        noneTried ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.BAD_GATEWAY,
        noneTried ? "no pool member is up" : "no pool member could be reached");
  }

  /** The request went to the member on {@code upstream}: its answer is awaited. */
  void attached(Channel upstream) {
    armDeadline();
    if (!requestComplete && upstream.isWritable()) {
      client.read();
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
    if (leg.send(content)) {
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
    Channel upstream = leg.channel();
    if (upstream != null) {
      upstream.flush();
      if (!requestComplete && upstream.isWritable()) {
        client.read();
      }
    }
  }

  void upstreamWritable() {
    if (current() && !requestComplete) {
      client.read();
    }
  }

  void clientWritable() {
    if (leg.channel() != null && responseStarted) {
      leg.channel().read();
    }
  }

  void responseHead(HttpResponse response) {
    responseStarted = true;
    leg.answered();
    firstByteAt = System.nanoTime();
    leg.member().responded(firstByteAt - leg.sentAt());
    status = response.status().code();
    pool.answered(leg.member(), status);
    stats.response(status);
    // a member may answer before the request body is through: whether the client connection
    // can carry another request is known when the response ends
    keepAlive = ProxyHeaders.toClient(response, keepAlive, head.protocolVersion());
    if (responseEdits != null) {
      responseEdits.forEach(edits -> edits.apply(response.headers()));
    }
    client.write(response);
    armDeadline();
  }

  void responseContent(HttpContent content) {
    bytesOut += content.content().readableBytes();
    stats.bytesOut(content.content().readableBytes());
    if (content instanceof LastHttpContent) {
      client.write(content);
      finish();
    } else {
      client.write(content);
      armDeadline();
    }
  }

  void upstreamReadComplete() {
    client.flush();
    if (current() && client.writable()) {
      leg.channel().read();
    }
  }

  /** The member switched protocols (a WebSocket handshake): see {@link ProtocolSwitch}. */
  void switched(HttpResponse response) {
    if (!client.canSwitch()) {
      badResponse(); // a client that did not (and could not) ask for it
      return;
    }
    stats.response(response.status().code());
    ProxyHeaders.toClientUpgraded(response);
    Channel server = leg.channel();
    end();
    client.switchProtocols(server, response, stats);
  }

  /** The response is complete: the upstream connection goes back, the client's next turn. */
  private void finish() {
    if (connection.settings().timing()) {
      ExchangeRecords.timings(
          service,
          leg.member(),
          connection.clientRttMicros(),
          leg.handshakeRtt(),
          receivedAt,
          leg.sentAt(),
          firstByteAt);
    }
    clientLog(status);
    end();
    leg.giveBack(requestComplete);
    if (keepAlive && requestComplete && !connection.service().retired()) {
      client.nextRequest();
    } else {
      client.closeAfterResponse();
    }
  }

  /** The member closed the connection before the response was complete. */
  void upstreamClosed() {
    if (!current()) {
      return;
    }
    if (responseStarted) {
      end();
      client.abort(); // a truncated response: the client must see it cut short
    } else if (leg.resendable(bodyless, requestComplete)) {
      cancelResponseTimer();
      leg.resend();
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
    Channel bad = leg.channel();
    if (current()) {
      if (responseStarted) {
        end();
        client.abort(); // a truncated response: the client must see it cut short
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
    Channel partial = leg.channel();
    if (responseStarted) {
      end();
      client.abort();
    } else {
      keepAlive = false;
      fail(HttpResponseStatus.BAD_REQUEST, "a malformed chunked body");
    }
    if (partial != null) {
      partial.close();
    }
  }

  /** The deadline of the exchange's phase passed (see {@link #armDeadline}). */
  void responseTimedOut() {
    if (!current()) {
      return;
    }
    if (responseStarted) {
      end();
      leg.channel().close();
      client.abort(); // a response that stopped moving: the client sees it cut short
      return;
    }
    Channel late = leg.channel();
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
    leg.close();
  }

  private void fail(HttpResponseStatus status, String reason) {
    answer(status, ErrorResponses.answer(head, status, reason, null));
  }

  /** Answers the request with {@code response}, which says {@code status}. */
  private void answer(HttpResponseStatus status, FullHttpResponse response) {
    end();
    if (leg != null) {
      leg.detach();
    }
    stats.response(status.code());
    clientLog(status.code());
    // a request without a body can be answered before its end marker is read: the marker is
    // dropped on arrival and the connection serves the next request
    boolean bodyless =
        !HttpUtil.isTransferEncodingChunked(head) && HttpUtil.getContentLength(head, 0L) == 0;
    boolean reusable = keepAlive && (requestComplete || bodyless);
    client.answer(response, reusable);
  }

  /** Hands this request to the client logs when they want it (see {@link ExchangeRecords}). */
  private void clientLog(int code) {
    ExchangeRecords.clientLog(
        connection,
        service,
        pool,
        head,
        code,
        bytesOut,
        leg == null ? null : leg.member(),
        receivedAt,
        leg == null ? 0 : leg.sentAt(),
        firstByteAt);
  }

  /** Marks the exchange over: what waits for the member dropped, the member's count back. */
  private void end() {
    if (leg != null) {
      leg.end();
    }
    cancelResponseTimer();
    client.ended(this);
  }

  private void cancelResponseTimer() {
    connection.responseDeadline().disarm();
  }
}
