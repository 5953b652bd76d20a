package io.gatehouse.engine.timing;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The round trip of a TCP connection's handshake: the kernel's RTT estimate (TCP_INFO) read when
 * the connection has just been established, before the engine sent a byte on it. At that moment the
 * kernel's only sample is the SYN / SYN-ACK exchange, which neither an app's think time nor a
 * peer's delayed ACK can stretch (both stretch the samples of data segments later on: a slow app
 * would read as a slow network). Only the epoll transport can read it; elsewhere it is 0 (unknown).
 */
public final class TcpRtt {
  private static final FastThreadLocal<EpollTcpInfo> INFO =
      new FastThreadLocal<>() {
        @Override
        protected EpollTcpInfo initialValue() {
          return new EpollTcpInfo();
        }
      };

  /** The handshake's round trip, read when the connection was accepted (µs; 0: unknown). */
  public static final AttributeKey<Long> AT_ACCEPT = AttributeKey.valueOf("gatehouse.tcp-rtt");

  private TcpRtt() {}

  /**
   * The handshake's round trip of {@code channel} as read when it was accepted ({@link
   * #AT_ACCEPT}), or read now when it was not.
   */
  public static long atAccept(Channel channel) {
    Long kept = channel.attr(AT_ACCEPT).get();
    return kept != null ? kept : ofHandshake(channel);
  }

  /** The handshake's round trip of a just-established {@code channel}, in µs; 0 when unknown. */
  public static long ofHandshake(Channel channel) {
    if (!(channel instanceof EpollSocketChannel epoll) || !channel.isActive()) {
      return 0;
    }
    try {
      return epoll.tcpInfo(INFO.get()).rtt();
    } catch (RuntimeException e) {
      return 0; // the socket closed under us
    }
  }
}
