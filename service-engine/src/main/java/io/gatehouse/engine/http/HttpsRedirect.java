package io.gatehouse.engine.http;

import io.gatehouse.engine.listener.RequestTarget;
import io.netty.handler.codec.http.HttpRequest;

/** Where a request that came without TLS is sent when its service wants HTTPS. */
final class HttpsRedirect {
  private HttpsRedirect() {}

  /**
   * {@code https://} and the request's host (the absolute URI's, else Host's; without its port, so
   * the default one) and origin-form target; null when the request names no usable host.
   */
  static String location(HttpRequest request) {
    RequestTarget target = RequestTarget.of(request);
    String path = target.target().startsWith("/") ? target.target() : "/";
    String host = host(target.authority());
    return host == null ? null : "https://" + host + path;
  }

  /** The host of an authority, without port; null when it is empty or not plain. */
  private static String host(String authority) {
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
        return null; // nothing else belongs in a host; it is not echoed into a Location
      }
    }
    return host;
  }
}
