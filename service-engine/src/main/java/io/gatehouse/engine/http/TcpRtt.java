package io.gatehouse.engine.http;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;

/**
 * Reads the kernel's smoothed round-trip estimate of a TCP connection (TCP_INFO), reusing one
 * buffer. Only the epoll transport can; elsewhere the answer is 0 (unknown).
 */
final class TcpRtt {
  private EpollTcpInfo info;

  /** The connection's round-trip time in microseconds; 0 when unknown. */
  long micros(Channel channel) {
    if (!(channel instanceof EpollSocketChannel epoll) || !channel.isActive()) {
      return 0;
    }
    if (info == null) {
      info = new EpollTcpInfo();
    }
    try {
      return epoll.tcpInfo(info).rtt();
    } catch (RuntimeException e) {
      return 0; // the socket closed under us
    }
  }
}
