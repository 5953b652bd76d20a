package io.gatehouse.engine.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * Sets a TLS connection up for the protocol agreed by ALPN: HTTP/2 for "h2", HTTP/1.1 for
 * "http/1.1" and for clients that offer nothing.
 */
final class AlpnSelector extends ApplicationProtocolNegotiationHandler {
  private final ProtocolDetector.Choice choice;

  AlpnSelector(ProtocolDetector.Choice choice) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.choice = choice;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ctx.read(); // the handshake needs bytes: the connection reads by hand
    super.channelActive(ctx);
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      choice.http2(ctx);
    } else {
      choice.http1(ctx);
    }
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
