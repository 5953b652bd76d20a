package io.gatehouse.engine.http;

import io.gatehouse.engine.http.framing.MemberCodec;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.pool.MemberConnections;
import io.gatehouse.engine.timing.TcpRtt;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keep-alive connections to pool members, kept per event loop: a request's upstream connection
 * lives on its client connection's event loop, so handing one over needs no lock and no thread hop.
 * Every method runs on the event loop it is about.
 */
final class UpstreamConnections {
  private final Bootstrap bootstrap;
  private final int maxIdlePerMember;

  private final FastThreadLocal<Map<InetSocketAddress, ArrayDeque<Channel>>> idle =
      new FastThreadLocal<>() {
        @Override
        protected Map<InetSocketAddress, ArrayDeque<Channel>> initialValue() {
          return new HashMap<>();
        }
      };

  private final MemberConnections members;
  private final MemberStreams streams;

  UpstreamConnections(Transport transport, HttpSettings settings, MemberConnections members) {
    this.members = members;
    this.streams = new MemberStreams(transport, settings, members, this);
    this.maxIdlePerMember = settings.maxIdlePerMember();
    this.bootstrap =
        new Bootstrap()
            .channel(transport.socketChannel())
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast("codec", new MemberCodec(4096, settings.maxHeaderSize()))
                        .addLast("backend", new HttpBackendHandler(UpstreamConnections.this));
                  }
                });
  }

  /** An idle connection to {@code member} on the calling event loop, or null. */
  Channel pollIdle(InetSocketAddress member) {
    ArrayDeque<Channel> channels = idle.get().get(member);
    if (channels == null) {
      return null;
    }
    Channel channel;
    while ((channel = channels.pollLast()) != null) {
      if (channel.isActive()) {
        return channel;
      }
    }
    return null;
  }

  /**
   * A new way to {@code member} on {@code loop}: a new HTTP/1.1 connection, or with {@code h2c} a
   * new stream on the HTTP/2 connection the loop keeps to it. Either carries the handshake's round
   * trip in {@link TcpRtt#AT_ACCEPT} (an h2c stream, on its connection).
   */
  Future<Channel> open(EventLoop loop, InetSocketAddress member, Duration timeout, boolean h2c) {
    if (h2c) {
      return streams.open(loop, member, timeout);
    }
    Promise<Channel> opened = loop.newPromise();
    ChannelFuture connecting = connect(loop, member, timeout);
    connecting.addListener(
        f -> {
          if (f.isSuccess()) {
            connecting
                .channel()
                .attr(TcpRtt.AT_ACCEPT)
                .set(TcpRtt.ofHandshake(connecting.channel()));
            opened.trySuccess(connecting.channel());
          } else {
            opened.tryFailure(f.cause());
          }
        });
    return opened;
  }

  /** Opens a new connection to {@code member} on {@code loop}. */
  private ChannelFuture connect(EventLoop loop, InetSocketAddress member, Duration timeout) {
    ChannelFuture connecting =
        bootstrap
            .clone(loop)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE))
            .connect(member);
    members.track(member, connecting.channel());
    return connecting;
  }

  /**
   * Keeps {@code channel} for the next request to its member, or closes it when enough are kept. An
   * idle connection keeps a read pending, so a member that closes it is noticed at once rather than
   * by the next request.
   */
  void release(Channel channel) {
    if (channel instanceof Http2StreamChannel) {
      channel.close(); // a stream serves one request; its connection stays
      return;
    }
    InetSocketAddress member = (InetSocketAddress) channel.remoteAddress();
    ArrayDeque<Channel> channels = idle.get().computeIfAbsent(member, m -> new ArrayDeque<>());
    if (channels.size() >= maxIdlePerMember || !channel.isActive()) {
      channel.close();
      return;
    }
    channels.addLast(channel);
    channel.read();
  }

  /** Forgets an idle connection that closed. */
  void forget(Channel channel) {
    if (channel.remoteAddress() instanceof InetSocketAddress member) {
      ArrayDeque<Channel> channels = idle.get().get(member);
      if (channels != null) {
        channels.remove(channel);
      }
    }
  }
}
