package io.gatehouse.engine.http;

import io.gatehouse.engine.listener.RequestTarget;
import io.netty.handler.codec.http.HttpRequest;

/** Where a request that came without TLS is sent when its service wants HTTPS. */
final class HttpsRedirect {
  private HttpsRedirect() {}

  /**
   * {@code https://} and the request's host (the absolute URI's, else Host's; without its port, so
   * the default one) and origin-form target; null when the request names no usable host (nothing
   * but a plain host is echoed into a Location).
   */
  static String location(HttpRequest request) {
    RequestTarget target = RequestTarget.of(request);
    String host = target.plainHost();
    return host == null ? null : "https://" + host + target.originForm();
  }
}
