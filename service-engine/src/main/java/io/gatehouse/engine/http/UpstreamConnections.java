package io.gatehouse.engine.http;

import io.gatehouse.engine.http.framing.MemberCodec;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.MemberConnections;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.timing.TcpRtt;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keep-alive connections to pool members, kept per event loop: a request's upstream connection
 * lives on its client connection's event loop, so handing one over needs no lock and no thread hop.
 * Every method runs on the event loop it is about.
 */
final class UpstreamConnections {
  private final MemberConnector connector;
  private final ChannelHandler pipeline;
  private final int maxIdlePerMember;

  private final FastThreadLocal<Map<Object, ArrayDeque<Channel>>> idle =
      new FastThreadLocal<>() {
        @Override
        protected Map<Object, ArrayDeque<Channel>> initialValue() {
          return new HashMap<>();
        }
      };

  private final MemberStreams streams;

  UpstreamConnections(Transport transport, HttpSettings settings, MemberConnections members) {
    Bootstrap bootstrap =
        new Bootstrap()
            .channel(transport.socketChannel())
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true);
    this.connector = new MemberConnector(bootstrap, members);
    this.streams = new MemberStreams(transport, settings, members, this);
    this.maxIdlePerMember = settings.maxIdlePerMember();
    this.pipeline =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast("codec", new MemberCodec(4096, settings.maxHeaderSize()))
                .addLast("backend", new HttpBackendHandler(UpstreamConnections.this));
          }
        };
  }

  /** An idle connection to {@code member} of {@code pool} on the calling event loop, or null. */
  Channel pollIdle(Endpoint member, Pool pool) {
    ArrayDeque<Channel> channels =
        idle.get().get(MemberConnector.key(member.address(), pool.tls()));
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
   * A new way to {@code member} of {@code pool} on {@code loop}: a new HTTP/1.1 connection, or for
   * members that speak HTTP/2 a new stream on the connection the loop keeps to it. Either carries
   * the handshake's round trip in {@link TcpRtt#AT_ACCEPT} (an HTTP/2 stream, on its connection).
   */
  Future<Channel> open(EventLoop loop, Endpoint member, Pool pool) {
    if (pool.multiplexed()) {
      return streams.open(loop, member, pool);
    }
    return connector.connect(loop, member, pool, pipeline);
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
    Object key = MemberConnector.keyOf(channel);
    if (key == null || !channel.isActive()) {
      channel.close();
      return;
    }
    ArrayDeque<Channel> channels = idle.get().computeIfAbsent(key, m -> new ArrayDeque<>());
    if (channels.size() >= maxIdlePerMember) {
      channel.close();
      return;
    }
    channels.addLast(channel);
    channel.read();
  }

  /** Forgets an idle connection that closed. */
  void forget(Channel channel) {
    Object key = MemberConnector.keyOf(channel);
    ArrayDeque<Channel> channels = key == null ? null : idle.get().get(key);
    if (channels != null) {
      channels.remove(channel);
    }
  }
}
