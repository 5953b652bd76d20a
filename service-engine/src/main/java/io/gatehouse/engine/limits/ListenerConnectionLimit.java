package io.gatehouse.engine.limits;

import io.gatehouse.engine.listener.ServiceStats;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first handler of a client connection to a TCP or HTTP listener: a connection beyond the
 * listener's limit is reset before a byte is read, and counted. One per connection; the count is
 * the listener's, shared by its connections on every event loop.
 */
public final class ListenerConnectionLimit extends ChannelInboundHandlerAdapter {
  private final AtomicInteger open;
  private final int limit;
  private final ServiceStats stats;
  private boolean admitted;

  /**
   * @param open the listener's count of open connections
   * @param limit the most it may have
   * @param stats where a refusal is counted
   */
  public ListenerConnectionLimit(AtomicInteger open, int limit, ServiceStats stats) {
    this.open = open;
    this.limit = limit;
    this.stats = stats;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (open.incrementAndGet() > limit) {
      open.decrementAndGet();
      stats.refused(ServiceStats.Refusal.LISTENER_FULL);
      ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0); // a reset, not a goodbye
      ctx.close();
      return;
    }
    admitted = true;
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (admitted) {
      admitted = false;
      open.decrementAndGet();
      ctx.fireChannelInactive();
    }
  }
}
