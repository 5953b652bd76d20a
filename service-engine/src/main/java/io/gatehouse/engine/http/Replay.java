package io.gatehouse.engine.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body to an h2c member, kept (up to 64 KiB) until the member answers, so that a request
 * the member never processed can go to another member: HTTP/2 says a stream above the last one a
 * GOAWAY names was not processed and may be sent again (RFC 9113, 6.8), whatever its method — the
 * case of a gRPC server shutting down gracefully while calls arrive.
 */
final class Replay {
  private static final int MAX_BYTES = 64 * 1024;
  private final List<HttpContent> kept = new ArrayList<>(2);
  private int bytes;
  private boolean tooLarge;

  /** Keeps a copy of {@code content} (the caller's stays the caller's). */
  void keep(HttpContent content) {
    if (tooLarge) {
      return;
    }
    bytes += content.content().readableBytes();
    if (bytes > MAX_BYTES) {
      tooLarge = true;
      release();
      return;
    }
    kept.add(content.retainedDuplicate());
  }

  /** Whether the whole body is kept. */
  boolean whole() {
    return !tooLarge;
  }

  /** Adds copies of the body to {@code pending}, to be sent again. */
  void addTo(List<HttpObject> pending) {
    kept.forEach(content -> pending.add(content.retainedDuplicate()));
  }

  void release() {
    kept.forEach(HttpContent::release);
    kept.clear();
  }
}
