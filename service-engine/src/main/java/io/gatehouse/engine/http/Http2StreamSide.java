package io.gatehouse.engine.http;

import io.gatehouse.engine.listener.ServiceStats;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/2 stream as the client side of its exchange. The client's body reaches the exchange as
 * it comes (never more than the stream's window), and the window is given back (WINDOW_UPDATE) only
 * when the exchange asks for more, so a client sends no faster than its member takes. The response
 * is written as frames on the connection, and the member is read only while the stream's window and
 * the connection let it go.
 */
final class Http2StreamSide implements ClientSide {
  private final Http2Streams streams;
  private final Http2Stream stream;
  private final ClientConnection connection;
  private final Deadline responseDeadline;
  private HttpExchange exchange;
  private int unconsumed; // bytes of the body the exchange has, not yet given back to the window
  private boolean remoteEnded; // the client's END_STREAM came
  private boolean closed;
  boolean readPending; // a part came in the connection's current read (see Http2Streams)

  Http2StreamSide(Http2Streams streams, Http2Stream stream) {
    this.streams = streams;
    this.stream = stream;
    this.responseDeadline =
        new Deadline(
            streams.context().executor(),
            () -> {
              if (exchange != null) {
                exchange.responseTimedOut();
              }
            });
    this.connection = streams.connection().withResponseDeadline(responseDeadline);
  }

  /** Serves {@code request}, the stream's head; {@code end}: it has no body. */
  void start(HttpRequest request, boolean end) {
    if (streams.service().retired()) {
      reset(Http2Error.REFUSED_STREAM); // the service is gone: the client retries elsewhere
      return;
    }
    remoteEnded = end;
    exchange = new HttpExchange(this, connection, request);
    exchange.start();
    if (end && exchange != null) {
      exchange.requestContent(LastHttpContent.EMPTY_LAST_CONTENT);
    }
  }

  /**
   * A part of the request's body (or its end), holding {@code flowBytes} of the window: false when
   * no exchange takes it (the caller gives the window back; the part is released here).
   */
  boolean requestPart(HttpContent part, int flowBytes) {
    if (part instanceof LastHttpContent) {
      remoteEnded = true;
    }
    if (exchange == null || exchange.requestComplete()) {
      part.release();
      return false;
    }
    unconsumed += flowBytes;
    exchange.requestContent(part);
    return true;
  }

  /** The connection's read that brought this stream a part is over. */
  void readComplete() {
    readPending = false;
    if (exchange != null) {
      exchange.clientReadComplete();
    }
  }

  /** The stream's window or the connection's writability changed. */
  void writabilityChanged() {
    if (exchange != null && writable()) {
      exchange.clientWritable();
    }
  }

  /** Serving the stream failed (a fault of the engine's): it ends, its exchange abandoned. */
  void failed() {
    reset(Http2Error.INTERNAL_ERROR); // closing the stream tells its exchange (see closed)
  }

  /** The stream is over (both ends done, reset by either side, or the connection gone). */
  void closed() {
    closed = true;
    responseDeadline.cancel();
    if (exchange != null) {
      exchange.clientGone();
    }
  }

  @Override
  public void read() {
    if (unconsumed == 0 || closed) {
      return;
    }
    int bytes = unconsumed;
    unconsumed = 0;
    try {
      if (streams.handler().decoder().flowController().consumeBytes(stream, bytes)) {
        flush(); // a WINDOW_UPDATE went out
      }
    } catch (Http2Exception e) {
      reset(Http2Error.INTERNAL_ERROR); // a window the engine kept wrong: this stream ends
    }
  }

  @Override
  public void write(HttpObject part) {
    if (closed) {
      ReferenceCountUtil.release(part);
      return;
    }
    Http2ConnectionEncoder encoder = streams.handler().encoder();
    ChannelHandlerContext ctx = streams.context();
    int id = stream.id();
    if (part instanceof HttpResponse response) {
      Http2Streams.stripExtensions(response);
      boolean whole =
          part instanceof FullHttpMessage full
              && !full.content().isReadable()
              && full.trailingHeaders().isEmpty();
      encoder.writeHeaders(
          ctx, id, HttpConversionUtil.toHttp2Headers(response, true), 0, whole, ctx.newPromise());
      if (whole) {
        ReferenceCountUtil.release(part);
        return;
      }
    }
    if (part instanceof LastHttpContent last) {
      boolean trailers = !last.trailingHeaders().isEmpty();
      ByteBuf body = last.content();
      if (body.isReadable() || !trailers) {
        encoder.writeData(ctx, id, body, 0, !trailers, ctx.newPromise()); // takes the body
      } else {
        body.release();
      }
      if (trailers) {
        encoder.writeHeaders(
            ctx,
            id,
            HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), true),
            0,
            true,
            ctx.newPromise());
      }
    } else if (part instanceof HttpContent content) {
      encoder.writeData(ctx, id, content.content(), 0, false, ctx.newPromise());
    }
  }

  @Override
  public void flush() {
    streams.flush();
  }

  @Override
  public boolean writable() {
    return !closed && streams.handler().encoder().flowController().isWritable(stream);
  }

  @Override
  public void abort() {
    reset(Http2Error.CANCEL);
  }

  @Override
  public void answer(FullHttpResponse response, boolean reusable) {
    write(response);
    flush();
    endUnlessRequestEnded();
  }

  @Override
  public void nextRequest() {
    flush(); // a stream carries one request: the response has ended it
  }

  @Override
  public void closeAfterResponse() {
    flush();
    endUnlessRequestEnded();
  }

  /**
   * The response has gone whole: a client still sending its body is told to stop, without an error
   * (RFC 9113, section 8.1), so that it keeps the response.
   */
  private void endUnlessRequestEnded() {
    if (!remoteEnded) {
      reset(Http2Error.NO_ERROR);
    }
  }

  private void reset(Http2Error error) {
    if (closed) {
      return;
    }
    streams.flushNow(); // what the stream wrote goes out before its end
    Http2ConnectionHandler handler = streams.handler();
    ChannelHandlerContext ctx = streams.context();
    handler.resetStream(ctx, stream.id(), error.code(), ctx.newPromise());
    flush();
  }

  @Override
  public boolean canSwitch() {
    return false; // HTTP/2 has no 101: a member's switch is an answer nobody asked for
  }

  @Override
  public void switchProtocols(Channel server, HttpResponse response, ServiceStats stats) {
    throw new UnsupportedOperationException("an HTTP/2 stream cannot switch protocols");
  }

  @Override
  public boolean isCurrent(HttpExchange candidate) {
    return exchange == candidate;
  }

  @Override
  public void ended(HttpExchange ended) {
    if (exchange == ended) {
      exchange = null;
      responseDeadline.cancel();
    }
  }
}
