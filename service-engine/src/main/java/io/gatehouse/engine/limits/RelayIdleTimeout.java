package io.gatehouse.engine.limits;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a relayed client connection (TCP, or HTTP after an upgrade) once no byte has moved either
 * way for the timeout; the relay then closes the member's side. Every byte of a relay crosses the
 * client connection, read from it or written to it, so watching that one side is enough. The
 * handlers after it see the {@link IdleStateEvent} just before the close.
 */
public final class RelayIdleTimeout extends IdleStateHandler {
  public RelayIdleTimeout(Duration timeout) {
    super(false, 0, 0, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
    ctx.fireUserEventTriggered(event); // the relay hears why it ends
    ctx.close();
  }
}
