package io.gatehouse.engine.listener;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Whom a request is for: the authority of its absolute URI when it has one (RFC 9112, 3.2.2: the
 * Host header is then ignored), else its Host header; and its target, the path and query.
 *
 * @param authority host and optional port as the client wrote them; null when none was given
 * @param target the origin-form target ("/" for an absolute URI without a path), or the request's
 *     target as it came (an asterisk, say)
 */
public record RequestTarget(String authority, String target) {
  /** The authority and target of {@code request}. */
  public static RequestTarget of(HttpRequest request) {
    String uri = request.uri();
    int scheme = uri.indexOf("://");
    if (scheme > 0 && uri.charAt(0) != '/') {
      int start = scheme + 3;
      int slash = uri.indexOf('/', start);
      return new RequestTarget(
          uri.substring(start, slash < 0 ? uri.length() : slash),
          slash < 0 ? "/" : uri.substring(slash));
    }
    return new RequestTarget(request.headers().get(HttpHeaderNames.HOST), uri);
  }
}
