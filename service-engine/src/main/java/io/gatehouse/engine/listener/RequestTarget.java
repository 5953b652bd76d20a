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

  /**
   * The host of the authority, without its port; null when there is none or it is not plain (only
   * letters, digits, ".", "-", and an IPv6 literal's brackets and colons), so that it can be echoed
   * into a Location.
   */
  public String plainHost() {
    if (authority == null || authority.isEmpty() || authority.indexOf('@') >= 0) {
      return null;
    }
    String host;
    if (authority.charAt(0) == '[') {
      int end = authority.indexOf(']');
      host = end < 0 ? null : authority.substring(0, end + 1);
    } else {
      int colon = authority.indexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
    }
    if (host == null || host.isEmpty()) {
      return null;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '['
              || c == ']'
              || c == ':';
      if (!plain) {
        return null;
      }
    }
    return host;
  }

  /** The origin-form path and query: the target when it starts with "/", else "/". */
  public String originForm() {
    return target.startsWith("/") ? target : "/";
  }
}
