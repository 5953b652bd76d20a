package io.gatehouse.engine.http;

import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.timing.TcpRtt;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What every exchange on one client connection shares: its context (an HTTP/2 connection's, for its
 * streams), service, member connections, settings and scheme, who the client is, and the deadline
 * that times the current response.
 */
record ClientConnection(
    ChannelHandlerContext ctx,
    VirtualService service,
    UpstreamConnections upstreams,
    HttpSettings settings,
    String scheme,
    String clientAddress,
    Deadline responseDeadline,
    long clientRttMicros,
    InetAddress client) {

  /** The exchanges' connection on the client connection of {@code ctx}. */
  static ClientConnection of(
      ChannelHandlerContext ctx,
      VirtualService service,
      UpstreamConnections upstreams,
      HttpSettings settings,
      String scheme,
      Deadline responseDeadline) {
    InetAddress client =
        ctx.channel().remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    String clientAddress =
        client != null
            ? client.getHostAddress()
            : String.valueOf(ctx.channel().remoteAddress()); // not IP: a unix socket, a test
    return new ClientConnection(
        ctx,
        service,
        upstreams,
        settings,
        scheme,
        clientAddress,
        responseDeadline,
        TcpRtt.atAccept(ctx.channel()),
        client);
  }

  /** The same connection, for an exchange whose response is timed by {@code deadline}. */
  ClientConnection withResponseDeadline(Deadline deadline) {
    return new ClientConnection(
        ctx,
        service,
        upstreams,
        settings,
        scheme,
        clientAddress,
        deadline,
        clientRttMicros,
        client);
  }
}
