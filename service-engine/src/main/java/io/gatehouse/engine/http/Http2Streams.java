package io.gatehouse.engine.http;

import io.gatehouse.engine.listener.VirtualService;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The streams of one HTTP/2 client connection, served from the connection's own handler (no channel
 * per stream): each stream's HEADERS become an HTTP/1.1 request head and its DATA the body, served
 * by an {@link HttpExchange} as on an HTTP/1.1 connection (the same routing, policies, limits,
 * timing and logs), and the member's response goes back as the stream's HEADERS, DATA and trailers
 * ({@link Http2StreamSide}). It is the connection handler's frame listener, and sits after that
 * handler in the pipeline to learn where each read of the connection ends.
 */
final class Http2Streams extends ChannelInboundHandlerAdapter implements Http2FrameListener {
  private final VirtualService service;
  private final UpstreamConnections upstreams;
  private final HttpSettings settings;
  private final String scheme;
  private final List<Http2StreamSide> readThisTurn = new ArrayList<>(); // see channelReadComplete
  private Http2ConnectionHandler handler;
  private ChannelHandlerContext h2; // the connection handler's context: what streams write through
  private Http2Connection.PropertyKey sideKey;
  private ClientConnection connection; // what every stream's exchange shares, but its deadline
  private boolean flushPending;
  private final Runnable flushTask = this::flushNow;

  Http2Streams(
      VirtualService service, UpstreamConnections upstreams, HttpSettings settings, String scheme) {
    this.service = service;
    this.upstreams = upstreams;
    this.settings = settings;
    this.scheme = scheme;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    handler = ctx.pipeline().get(Http2ConnectionHandler.class);
    h2 = ctx.pipeline().context(handler);
    connection = ClientConnection.of(h2, service, upstreams, settings, scheme, null);
    Http2Connection http2 = handler.connection();
    sideKey = http2.newKey();
    http2.addListener(
        new Http2ConnectionAdapter() {
          @Override
          public void onStreamClosed(Http2Stream stream) {
            Http2StreamSide side = stream.removeProperty(sideKey);
            if (side != null) {
              side.closed();
            }
          }
        });
    handler
        .encoder()
        .flowController()
        .listener(
            stream -> {
              Http2StreamSide side = stream.getProperty(sideKey);
              if (side != null) {
                side.writabilityChanged();
              }
            });
  }

  /** The connection's read is over: the streams that got a part of their request pass it on. */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    for (int i = 0; i < readThisTurn.size(); i++) {
      Http2StreamSide side = readThisTurn.get(i);
      try {
        side.readComplete();
      } catch (RuntimeException e) {
        side.failed();
      }
    }
    readThisTurn.clear();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void onHeadersRead(
      ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean end)
      throws Http2Exception {
    Http2Stream stream = handler.connection().stream(streamId);
    Http2StreamSide side = stream == null ? null : stream.getProperty(sideKey);
    if (side != null) {
      // HEADERS after the head: the request's trailers (a stream's only other HEADERS)
      LastHttpContent last = new DefaultLastHttpContent();
      HttpConversionUtil.addHttp2ToHttpHeaders(
          streamId, headers, last.trailingHeaders(), HttpVersion.HTTP_1_1, true, true);
      try {
        side.requestPart(last, 0);
      } catch (RuntimeException e) {
        side.failed();
      }
      readThisTurn(side);
      return;
    }
    if (stream == null) {
      return; // closed already (reset by the engine while the block was decoded)
    }
    HttpRequest request = request(streamId, headers, end);
    side = new Http2StreamSide(this, stream);
    stream.setProperty(sideKey, side);
    try {
      side.start(request, end);
    } catch (RuntimeException e) {
      side.failed();
    }
    readThisTurn(side); // as an HTTP/1.1 head's read ends: what went to the member is flushed
  }

  @Override
  public void onHeadersRead(
      ChannelHandlerContext ctx,
      int streamId,
      Http2Headers headers,
      int streamDependency,
      short weight,
      boolean exclusive,
      int padding,
      boolean end)
      throws Http2Exception {
    onHeadersRead(ctx, streamId, headers, padding, end);
  }

  /**
   * The request head of {@code headers}, without the conversion's own {@code x-http2-*} headers; a
   * body of unknown length is sent to the member chunked.
   */
  private static HttpRequest request(int streamId, Http2Headers headers, boolean end)
      throws Http2Exception {
    HttpRequest request;
    try {
      request = HttpConversionUtil.toHttpRequest(streamId, headers, true);
    } catch (Http2Exception | RuntimeException e) {
      throw Http2Exception.streamError(
          streamId, Http2Error.PROTOCOL_ERROR, "the request's header block is malformed");
    }
    stripExtensions(request);
    if (!end && !HttpUtil.isContentLengthSet(request)) {
      request.headers().add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    return request;
  }

  @Override
  public int onDataRead(
      ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean end) {
    int flowBytes = data.readableBytes() + padding;
    Http2Stream stream = handler.connection().stream(streamId);
    Http2StreamSide side = stream == null ? null : stream.getProperty(sideKey);
    if (side == null) {
      return flowBytes; // no exchange wants it: dropped, and the window given back
    }
    data.retain();
    HttpContent part = end ? new DefaultLastHttpContent(data) : new DefaultHttpContent(data);
    try {
      if (!side.requestPart(part, flowBytes)) {
        return flowBytes;
      }
    } catch (RuntimeException e) {
      side.failed();
    }
    readThisTurn(side);
    return 0; // given back as the exchange takes it (see Http2StreamSide#read)
  }

  private void readThisTurn(Http2StreamSide side) {
    if (!side.readPending) {
      side.readPending = true;
      readThisTurn.add(side);
    }
  }

  /**
   * Sends what the connection's streams wrote, once the event loop is through with what it is doing
   * now: the responses of many streams, each completed by its member's read in the same turn, leave
   * in one pass of the connection's flow controller and one write.
   */
  void flush() {
    if (!flushPending) {
      flushPending = true;
      h2.executor().execute(flushTask);
    }
  }

  /** Sends what the connection's streams wrote, now (before a stream's RST_STREAM, say). */
  void flushNow() {
    flushPending = false;
    handler.flush(h2);
  }

  /** The connection's handler, through which streams write and reset. */
  Http2ConnectionHandler handler() {
    return handler;
  }

  /** The connection handler's context: writes of streams start there. */
  ChannelHandlerContext context() {
    return h2;
  }

  ClientConnection connection() {
    return connection;
  }

  VirtualService service() {
    return service;
  }

  /**
   * Removes the extension headers ({@code x-http2-*}) Netty's HTTP/1.1 conversion reads and writes,
   * so that neither side of the engine can write into them.
   */
  static void stripExtensions(HttpMessage message) {
    for (HttpConversionUtil.ExtensionHeaderNames name :
        HttpConversionUtil.ExtensionHeaderNames.values()) {
      message.headers().remove(name.text());
    }
  }

  // the frames the connection handler answers itself, and those a server ignores

  @Override
  public void onPriorityRead(
      ChannelHandlerContext ctx, int streamId, int dependency, short weight, boolean exclusive) {}

  @Override
  public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {}

  @Override
  public void onSettingsAckRead(ChannelHandlerContext ctx) {}

  @Override
  public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {}

  @Override
  public void onPingRead(ChannelHandlerContext ctx, long data) {}

  @Override
  public void onPingAckRead(ChannelHandlerContext ctx, long data) {}

  @Override
  public void onPushPromiseRead(
      ChannelHandlerContext ctx,
      int streamId,
      int promisedStreamId,
      Http2Headers headers,
      int padding) {}

  @Override
  public void onGoAwayRead(
      ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {}

  @Override
  public void onWindowUpdateRead(
      ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {}

  @Override
  public void onUnknownFrame(
      ChannelHandlerContext ctx,
      byte frameType,
      int streamId,
      io.netty.handler.codec.http2.Http2Flags flags,
      ByteBuf payload) {}
}
