package io.gatehouse.engine.http;

import io.gatehouse.engine.listener.ServiceStats;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts a client connection the filters before it let in, open from its start whatever protocol it
 * turns out to speak, until it ends.
 */
final class ConnectionCounter extends ChannelInboundHandlerAdapter {
  private final ServiceStats stats;
  private boolean counted;

  ConnectionCounter(ServiceStats stats) {
    this.stats = stats;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    stats.connectionOpened();
    counted = true;
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (counted) {
      stats.connectionClosed();
    }
    ctx.fireChannelInactive();
  }
}
