package io.gatehouse.engine.http.framing;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A message whose framing the engine refuses: the status a client gets for such a request (a
 * member's such response is a 502 whatever this says), and a reason in the engine's own words
 * (never an echo of the message).
 */
public final class FramingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final transient HttpResponseStatus status;

  FramingException(HttpResponseStatus status, String reason) {
    super(reason, null);
    this.status = status;
  }

  static FramingException badRequest(String reason) {
    return new FramingException(HttpResponseStatus.BAD_REQUEST, reason);
  }

  static FramingException notImplemented(String reason) {
    return new FramingException(HttpResponseStatus.NOT_IMPLEMENTED, reason);
  }

  public HttpResponseStatus status() {
    return status;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // an expected outcome of hostile input, not a bug: no stack to record
  }
}
