package io.gatehouse.engine.http;

import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.timing.TcpRtt;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An exchange's side towards its member: a member of the pool picked (one not tried yet), a
 * connection to it (a kept one, or a new one), the request sent on it (what arrives before there is
 * a connection waits), and the member and its connection given back at the end. When a member's
 * connection closes with the request unanswered, what may be sent again is sent again from here.
 * Runs on its exchange's event loop.
 */
final class MemberLeg {
  private final HttpExchange exchange;
  private final ClientConnection connection;
  private final HttpRequest head;
  private final Pool pool; // null: the service has none
  private final Set<Endpoint> tried = new HashSet<>(2);
  private final List<HttpObject> pending = new ArrayList<>(2);
  private Replay replay; // an h2c member's request body, until it answers; null otherwise
  private Endpoint member;
  private boolean counted; // member.started() without its finished() yet
  private boolean reused;
  private Channel channel;
  private HttpBackendHandler backend;
  private long sentAt; // System.nanoTime() when the request head went to the member

  /** A leg that sends {@code head} (its headers as the member gets them) to a member of pool. */
  MemberLeg(HttpExchange exchange, ClientConnection connection, HttpRequest head, Pool pool) {
    this.exchange = exchange;
    this.connection = connection;
    this.head = head;
    this.pool = pool;
    pending.add(head);
    if (pool != null && pool.multiplexed()) {
      replay = new Replay();
    }
  }

  /** The member picked last; null before one was. */
  Endpoint member() {
    return member;
  }

  /** The connection the request went on; null until there is one, and after it is let go. */
  Channel channel() {
    return channel;
  }

  /** When the request head went to the member ({@link System#nanoTime()}); 0 before. */
  long sentAt() {
    return sentAt;
  }

  /** The round trip of the connection's TCP handshake in µs; 0 when unknown. */
  long handshakeRtt() {
    return backend.handshakeRtt();
  }

  /**
   * Picks a member not tried yet and gets a connection to it; the exchange hears {@link
   * HttpExchange#attached} once the request went on it, or {@link HttpExchange#unreachable}.
   */
  void connect() {
    member = pool == null ? null : pool.pick(hashKey(), tried);
    if (member == null) {
      exchange.unreachable(tried.isEmpty());
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
        connection.upstreams().open(connection.ctx().channel().eventLoop(), member, pool);
    Endpoint target = member;
    connecting.addListener(
        (Future<Channel> f) -> {
          if (!exchange.current() || member != target) {
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

  private void attach(Channel opened) {
    channel = opened;
    backend = opened.pipeline().get(HttpBackendHandler.class);
    backend.attach(exchange);
    for (HttpObject message : pending) {
      opened.write(message);
    }
    pending.clear();
    opened.flush();
    sentAt = System.nanoTime();
    opened.read();
    exchange.attached(opened);
  }

  /**
   * Writes {@code content} of the request's body to the member, or keeps it until there is a
   * connection; whether it was written.
   */
  boolean send(HttpContent content) {
    if (replay != null) {
      replay.keep(content);
    }
    if (channel == null) {
      pending.add(content);
      return false;
    }
    channel.write(content);
    return true;
  }

  /** The member answered: it has the request, which is never sent again. */
  void answered() {
    dropReplay();
  }

  /**
   * Whether the request may be sent again now that the member's connection closed without an
   * answer, given whether the client sent a body ({@code bodyless}) and all of the request.
   */
  boolean resendable(boolean bodyless, boolean requestComplete) {
    return unprocessed() || (bodyless && requestComplete && (reused || idempotent(head.method())));
  }

  /** Sends the request again (when {@link #resendable}). */
  void resend() {
    Endpoint gone = member;
    boolean unprocessed = unprocessed();
    boolean stale = reused;
    releaseMember();
    channel = null;
    pending.add(head);
    if (unprocessed) {
      // a stream the member's GOAWAY says it never processed: sent again, body and all, to
      // another member (the rest of a body still coming follows it there)
      replay.addTo(pending);
      tried.add(gone);
      connect();
      return;
    }
    // a kept connection the member had closed: the request is sent again on a new one; a member
    // that went away with the request (a task being killed): an idempotent request is sent again
    // to another member
    pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
    if (stale) {
      connectFresh();
    } else {
      tried.add(gone);
      connect();
    }
  }

  /** Whether the request went on an h2c stream its member never processed, with all its body. */
  private boolean unprocessed() {
    return replay != null && replay.whole() && MemberStreams.unprocessed(channel);
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

  /**
   * The response is complete: the connection is kept for another request when it can serve one and
   * the member has the whole request ({@code requestComplete}), else closed.
   */
  void giveBack(boolean requestComplete) {
    if (backend.detach() && requestComplete) {
      connection.upstreams().release(channel);
    } else {
      channel.close();
    }
  }

  /** The connection no longer serves the exchange (which closes it, or has let it go). */
  void detach() {
    if (channel != null) {
      backend.detach();
      channel = null;
    }
  }

  /** The exchange is abandoned: the connection, if any, is closed mid-request. */
  void close() {
    if (channel != null) {
      backend.detach();
      channel.close();
    }
  }

  /** The exchange is over: what waits to be sent is dropped and the member's count goes back. */
  void end() {
    dropReplay();
    releaseMember();
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
  }

  private void dropReplay() {
    if (replay != null) {
      replay.release();
      replay = null;
    }
  }

  private void releaseMember() {
    if (counted) {
      member.finished();
      counted = false;
    }
  }
}
