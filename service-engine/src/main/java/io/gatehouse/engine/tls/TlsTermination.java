package io.gatehouse.engine.tls;

import io.gatehouse.engine.listener.VirtualService;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;

/**
 * Puts TLS on a client connection with the certificate its virtual service has when the connection
 * opens (so a rotated certificate serves new connections at once).
 */
public final class TlsTermination {
  private TlsTermination() {}

  /** Adds the TLS handler (named "tls"), or a closer when the service has no certificate now. */
  public static void addTo(ChannelPipeline pipeline, VirtualService service) {
    SslContext context = service.tls();
    if (context == null) {
      pipeline.addLast(
          "tls",
          new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
              ctx.close(); // configuration guarantees a certificate; a race with its removal ends
              // here
            }
          });
      return;
    }
    pipeline.addLast("tls", context.newHandler(pipeline.channel().alloc()));
  }
}
