package io.gatehouse.engine.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The engine's own answers: short plain-text bodies that say what happened. */
final class ErrorResponses {
  private ErrorResponses() {}

  /** Sends {@code status}; closes the connection after it unless {@code keepAlive}. */
  static void send(
      ChannelHandlerContext ctx, HttpResponseStatus status, String reason, boolean keepAlive) {
    send(ctx, status, reason, null, keepAlive);
  }

  /** As {@link #send}, with a {@code Location} when it is not null. */
  static void send(
      ChannelHandlerContext ctx,
      HttpResponseStatus status,
      String reason,
      String location,
      boolean keepAlive) {
    byte[] body = (status + ": " + reason + "\n").getBytes(StandardCharsets.UTF_8);
    send(ctx, status, "text/plain; charset=utf-8", body, location, keepAlive);
  }

  /** Sends {@code body} (not copied: it must not change) as {@code contentType}. */
  static void send(
      ChannelHandlerContext ctx,
      HttpResponseStatus status,
      String contentType,
      byte[] body,
      String location,
      boolean keepAlive) {
    write(ctx, response(status, contentType, body, location), keepAlive);
  }

  /** A response of the engine's own: {@code body} (not copied) as {@code contentType}. */
  static FullHttpResponse response(
      HttpResponseStatus status, String contentType, byte[] body, String location) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (location != null) {
      response.headers().set(HttpHeaderNames.LOCATION, location);
    }
    if (status.code() == HttpResponseStatus.TOO_MANY_REQUESTS.code()) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, "1"); // buckets refill within seconds
    }
    return response;
  }

  /** Sends {@code response}; closes the connection after it unless {@code keepAlive}. */
  static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response);
    }
  }
}
