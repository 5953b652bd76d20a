package io.gatehouse.engine.http;

import io.gatehouse.engine.internal.RelayHandler;
import io.gatehouse.engine.limits.RelayIdleTimeout;
import io.gatehouse.engine.listener.ServiceStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponse;
import java.time.Duration;

/**
 * A member switched protocols (a WebSocket handshake): its 101 goes to the client, then both
 * connections drop their HTTP handlers and relay bytes until either side closes, the client's
 * bounded by the relay idle timeout.
 */
final class ProtocolSwitch {
  private ProtocolSwitch() {}

  /**
   * Sends {@code response} (the 101) on the client connection of {@code ctx}, whose HTTP handler is
   * {@code frontend}, and turns it and {@code server} into a relay; the bytes are counted in {@code
   * stats}.
   */
  static void relay(
      ChannelHandlerContext ctx,
      ChannelHandler frontend,
      Channel server,
      HttpResponse response,
      ServiceStats stats,
      Duration relayIdleTimeout) {
    Channel client = ctx.channel();
    ChannelPipeline serverPipeline = server.pipeline();
    serverPipeline.addLast("relay", new RelayHandler(client, stats::bytesOut, () -> {}));
    serverPipeline.remove(HttpBackendHandler.class);
    serverPipeline.remove("codec"); // bytes decoded after the 101 flow on to the relay
    ctx.writeAndFlush(response); // encoded now, before the codec goes
    ChannelPipeline clientPipeline = client.pipeline();
    clientPipeline.addLast("relay-idle", new RelayIdleTimeout(relayIdleTimeout));
    clientPipeline.addLast(
        "relay", new RelayHandler(server, stats::bytesIn, () -> {})); // counted till it closes
    clientPipeline.remove("expect-continue");
    clientPipeline.remove("codec");
    clientPipeline.remove(frontend);
    server.read();
    client.read();
  }
}
