package io.gatehouse.engine.tls;

import io.gatehouse.engine.listener.VirtualService;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;

/**
 * Puts TLS on a client connection with the certificates its virtual service has when the handshake
 * happens (so a rotated certificate serves new connections at once): the one it has, or with
 * several the one the client's server name (SNI) asks for.
 */
public final class TlsTermination {
  private TlsTermination() {}

  /**
   * Adds the TLS handler (named "tls"), or a closer when the service has no certificate now; {@code
   * http} offers HTTP/2 and HTTP/1.1 by ALPN, otherwise no application protocol is agreed.
   */
  public static void addTo(ChannelPipeline pipeline, VirtualService service, boolean http) {
    ServerCertificates certificates = service.tls();
    if (certificates == null) {
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
    if (certificates.single()) {
      pipeline.addLast(
          "tls", certificates.defaultContext().of(http).newHandler(pipeline.channel().alloc()));
      return;
    }
    // looked up when the ClientHello arrives, from the certificates the service has then
    Mapping<String, SslContext> byServerName =
        serverName -> {
          ServerCertificates now = service.tls();
          return (now != null ? now : certificates).forServerName(serverName).of(http);
        };
    pipeline.addLast("tls", new SniHandler(byServerName));
  }
}
