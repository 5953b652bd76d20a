package io.gatehouse.engine.ratelimit;

import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.listener.VirtualService;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;

/**
 * Refuses a client connection to a TCP or HTTP listener over its virtual service's limits (open
 * connections, connections per second, per client address) with a reset before a byte is read, and
 * counts it. One per connection.
 */
public final class RateLimitFilter extends ChannelInboundHandlerAdapter {
  private final VirtualService service;
  private RateLimiter admittedBy; // the limits in force when the connection was admitted
  private boolean passedOn; // the handlers after it saw the connection become active

  public RateLimitFilter(VirtualService service) {
    this.service = service;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    RateLimiter limits = service.rateLimits();
    if (limits != RateLimiter.NONE) {
      RateLimiter.Verdict verdict =
          limits.connectionOpened(
              ctx.channel().remoteAddress() instanceof InetSocketAddress inet
                  ? inet.getAddress()
                  : null);
      if (verdict != RateLimiter.Verdict.ADMITTED) {
        service.stats().refused(refusal(verdict));
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0); // a reset, not a goodbye
        ctx.close();
        return;
      }
      admittedBy = limits;
    }
    passedOn = true;
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (admittedBy != null) {
      admittedBy.closed();
      admittedBy = null;
    }
    if (passedOn) { // a refused connection was never active for the handlers after it
      passedOn = false;
      ctx.fireChannelInactive();
    }
  }

  /** How a refused connection or session is counted. */
  public static ServiceStats.Refusal refusal(RateLimiter.Verdict verdict) {
    return switch (verdict) {
      case SERVICE_FULL -> ServiceStats.Refusal.SERVICE_FULL;
      case CLIENT_RATE -> ServiceStats.Refusal.CLIENT_CONNECTION_RATE;
      case SERVICE_RATE, ADMITTED -> ServiceStats.Refusal.CONNECTION_RATE;
    };
  }
}
