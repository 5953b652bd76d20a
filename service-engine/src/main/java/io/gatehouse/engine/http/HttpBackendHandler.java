package io.gatehouse.engine.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * The member side of a keep-alive upstream connection: it hands what the member sends to the
 * exchange the connection serves now, and nothing to anyone while the connection is idle (a member
 * that speaks unasked is closed on).
 */
final class HttpBackendHandler extends ChannelInboundHandlerAdapter {
  private final UpstreamConnections connections;
  private HttpExchange exchange;
  private boolean keepAlive;
  private boolean interim; // an interim (1xx) response was read; its end marker comes next
  private long handshakeRttMicros; // the connection's handshake round trip; 0 when unknown

  HttpBackendHandler(UpstreamConnections connections) {
    this.connections = connections;
  }

  /** Keeps the round trip of this connection's handshake (see {@link TcpRtt}). */
  void handshakeRtt(long micros) {
    handshakeRttMicros = micros;
  }

  /** The round trip of this connection's handshake in µs; 0 when unknown. */
  long handshakeRtt() {
    return handshakeRttMicros;
  }

  /** Serves {@code exchange} from now on. */
  void attach(HttpExchange exchange) {
    this.exchange = exchange;
    this.keepAlive = true;
  }

  /** The exchange is over; whether the connection may serve another. */
  boolean detach() {
    exchange = null;
    return keepAlive;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (exchange == null) {
      ReferenceCountUtil.release(msg);
      ctx.close(); // an idle connection got data nobody asked for
      return;
    }
    if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
      // an ambiguous head or a broken body: nothing after it can be read as the member meant it
      ReferenceCountUtil.release(msg);
      HttpExchange failed = exchange;
      exchange = null;
      keepAlive = false;
      failed.badResponse(); // closes this connection
      return;
    }
    if (msg instanceof HttpResponse response) {
      if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
        HttpExchange upgraded = exchange;
        exchange = null;
        upgraded.switched(response); // both connections become a byte relay
        return;
      }
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        // 100 Continue (the engine answered the client's Expect itself), 103 Early Hints: not
        // forwarded, and neither is the end marker the decoder gives each of them
        ReferenceCountUtil.release(msg);
        interim = true;
        return;
      }
      keepAlive = HttpUtil.isKeepAlive(response);
      exchange.responseHead(response);
    }
    if (msg instanceof HttpContent content) {
      if (interim || exchange == null) {
        interim = false;
        content.release(); // an interim answer's end, or the exchange failed on the head
        return;
      }
      exchange.responseContent(content);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.upstreamReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null && ctx.channel().isWritable()) {
      exchange.upstreamWritable();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      HttpExchange gone = exchange;
      exchange = null;
      gone.upstreamClosed();
    } else {
      connections.forget(ctx.channel());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // channelInactive tells the exchange
  }
}
