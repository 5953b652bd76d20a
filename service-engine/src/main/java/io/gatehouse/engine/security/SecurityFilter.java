package io.gatehouse.engine.security;

import io.gatehouse.engine.listener.VirtualService;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a client connection: its virtual service's security policy judges the
 * client's address when the connection opens. A denied connection is reset (SO_LINGER 0) before a
 * byte is read; an allowed one goes on without this handler.
 */
@ChannelHandler.Sharable
public final class SecurityFilter extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(SecurityFilter.class);

  private final VirtualService service;

  public SecurityFilter(VirtualService service) {
    this.service = service;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    SecurityPolicy policy = service.security();
    if (policy != null && ctx.channel().remoteAddress() instanceof InetSocketAddress client) {
      SecurityPolicy.Verdict verdict = policy.judge(client.getAddress());
      if (!verdict.allowed()) {
        service.stats().denied();
        log.debug(
            "virtual service {}: {} denied by {} of {}",
            service.name(),
            client.getAddress().getHostAddress(),
            verdict.decidedBy(),
            policy.name());
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0); // a reset, not a goodbye
        ctx.close();
        return;
      }
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelActive();
  }
}
