package io.gatehouse.engine.http;

import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.MemberConnections;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.timing.TcpRtt;
import io.gatehouse.engine.tls.MemberTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * Opens connections to pool members, in clear or over the pool's member TLS: a connection is ready
 * once it is connected and, with TLS, once the member's certificate was verified and the protocol
 * agreed. Each connection carries the round trip of its TCP handshake ({@link TcpRtt#AT_ACCEPT})
 * and the key it is kept under ({@link #key}): its member's address, and its TLS when it has one,
 * so that a connection is only ever reused for what it was opened for.
 */
final class MemberConnector {
  private static final AttributeKey<Object> KEY = AttributeKey.valueOf("gatehouse.member-key");

  /** A TLS connection's key: its member and the TLS it speaks. */
  private record TlsKey(InetSocketAddress member, MemberTls tls) {}

  private final Bootstrap bootstrap;
  private final MemberConnections members;

  /**
   * @param bootstrap channel type and options; its handler is ignored
   * @param members where every connection is tracked while open
   */
  MemberConnector(Bootstrap bootstrap, MemberConnections members) {
    this.bootstrap = bootstrap;
    this.members = members;
  }

  /** The key connections to {@code member} over {@code tls} (null: in clear) are kept under. */
  static Object key(InetSocketAddress member, MemberTls tls) {
    return tls == null ? member : new TlsKey(member, tls);
  }

  /** The key {@code connection} was opened under; null for a channel not opened here. */
  static Object keyOf(Channel connection) {
    return connection.attr(KEY).get();
  }

  /**
   * A new connection to {@code member} of {@code pool} on {@code loop}, its pipeline made by {@code
   * handlers} (after the TLS handler, when the pool has TLS).
   */
  Future<Channel> connect(EventLoop loop, Endpoint member, Pool pool, ChannelHandler handlers) {
    MemberTls tls = pool.tls();
    Duration timeout = pool.connectTimeout();
    Promise<Channel> ready = loop.newPromise();
    ChannelFuture connecting =
        bootstrap
            .clone(loop)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE))
            .handler(
                tls == null
                    ? handlers
                    : new ChannelInitializer<>() {
                      @Override
                      protected void initChannel(Channel ch) {
                        ch.pipeline()
                            .addLast(
                                "tls",
                                tls.handler(
                                    ch.alloc(), member.address(), member.hostname(), timeout))
                            .addLast(handlers);
                      }
                    })
            .connect(member.address());
    Channel channel = connecting.channel();
    channel.attr(KEY).set(key(member.address(), tls));
    members.track(member.address(), channel);
    connecting.addListener(
        f -> {
          if (!f.isSuccess()) {
            ready.tryFailure(f.cause());
            return;
          }
          channel.attr(TcpRtt.AT_ACCEPT).set(TcpRtt.ofHandshake(channel));
          if (tls == null) {
            ready.trySuccess(channel);
            return;
          }
          SslHandler handler = channel.pipeline().get(SslHandler.class);
          handler
              .handshakeFuture()
              .addListener(
                  h -> {
                    SSLException disagreement = h.isSuccess() ? tls.disagreement(handler) : null;
                    if (h.isSuccess() && disagreement == null) {
                      ready.trySuccess(channel);
                    } else {
                      channel.close();
                      ready.tryFailure(h.isSuccess() ? disagreement : h.cause());
                    }
                  });
          if (!channel.config().isAutoRead()) {
            channel.read(); // the handshake's answer; reads after it are the exchange's to ask
          }
        });
    return ready;
  }
}
