package io.gatehouse.engine.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The engine's own answers: short plain-text bodies that say what happened (gRPC errors to gRPC
 * calls).
 */
final class ErrorResponses {
  private ErrorResponses() {}

  /** Sends {@code status}; closes the connection after it unless {@code keepAlive}. */
  static void send(
      ChannelHandlerContext ctx, HttpResponseStatus status, String reason, boolean keepAlive) {
    write(ctx, text(status, reason, null), keepAlive);
  }

  /**
   * The engine's own answer to {@code request}, saying {@code reason}: a gRPC error to a gRPC call
   * (unless it is a redirect to {@code location}), plain text to anything else.
   */
  static FullHttpResponse answer(
      HttpRequest request, HttpResponseStatus status, String reason, String location) {
    if (location == null && GrpcErrors.isGrpc(request)) {
      return GrpcErrors.response(status, reason);
    }
    return text(status, reason, location);
  }

  private static FullHttpResponse text(HttpResponseStatus status, String reason, String location) {
    byte[] body = (status + ": " + reason + "\n").getBytes(StandardCharsets.UTF_8);
    return response(status, "text/plain; charset=utf-8", body, location);
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
