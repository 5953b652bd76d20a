package io.gatehouse.engine.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The engine's own errors as a gRPC client reads them: a "trailers-only" response (status 200, the
 * gRPC status and message in the one header block that ends the stream), with the gRPC code that
 * means what the HTTP status would have (gRPC's own mapping of HTTP statuses, and 504 as a
 * deadline).
 */
final class GrpcErrors {
  private GrpcErrors() {}

  /** Whether {@code request} is a gRPC call. */
  static boolean isGrpc(HttpRequest request) {
    String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    return type != null && type.startsWith("application/grpc");
  }

  /** The gRPC code for an engine's HTTP error. */
  static int code(HttpResponseStatus status) {
    return switch (status.code()) {
      case 400 -> 13; // INTERNAL: the request could not be read
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 12; // UNIMPLEMENTED
      case 408, 504 -> 4; // DEADLINE_EXCEEDED
      case 429 -> 8; // RESOURCE_EXHAUSTED
      case 502, 503 -> 14; // UNAVAILABLE
      default -> 2; // UNKNOWN
    };
  }

  /** The trailers-only response for {@code status}, saying {@code reason}. */
  static FullHttpResponse response(HttpResponseStatus status, String reason) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc");
    response.headers().set("grpc-status", Integer.toString(code(status)));
    response.headers().set("grpc-message", status.code() + " " + reason); // plain ASCII
    return response;
  }
}
