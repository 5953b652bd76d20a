package io.gatehouse.engine.http;

import io.gatehouse.engine.analytics.ClientLogs;
import io.gatehouse.engine.http2.Http2Limits;
import java.time.Duration;

/**
 * Limits and timeouts of HTTP listeners.
 *
 * @param maxInitialLineLength longest request line; longer gets 414
 * @param maxHeaderSize largest header block; larger gets 431
 * @param headerTimeout time a client has to send a whole request head, from its first byte (or, for
 *     a connection's first request, from the connection's start): slowloris; 408 after
 * @param idleTimeout a keep-alive connection without a byte of a next request this long is closed
 * @param firstByteTimeout time a member has, once the whole request is sent, to start its response;
 *     504 after
 * @param readIdleTimeout longest silence while a body streams, from the client or from the member:
 *     a long download or an event stream that keeps moving is never cut; after it, 408 (the
 *     client's body stalled) or the connections close (the response had started)
 * @param maxIdlePerMember idle keep-alive connections kept per member and event loop
 * @param timing whether every request is timed (its components into histograms)
 * @param clientLogs where requests worth a client log go
 * @param http2 what one HTTP/2 client connection may ask
 */
public record HttpSettings(
    int maxInitialLineLength,
    int maxHeaderSize,
    Duration headerTimeout,
    Duration idleTimeout,
    Duration firstByteTimeout,
    Duration readIdleTimeout,
    int maxIdlePerMember,
    boolean timing,
    ClientLogs clientLogs,
    Http2Limits http2) {

  /** Settings with HTTP/2's defaults, its header list as large as HTTP/1.1's header block. */
  public HttpSettings(
      int maxInitialLineLength,
      int maxHeaderSize,
      Duration headerTimeout,
      Duration idleTimeout,
      Duration firstByteTimeout,
      Duration readIdleTimeout,
      int maxIdlePerMember,
      boolean timing,
      ClientLogs clientLogs) {
    this(
        maxInitialLineLength,
        maxHeaderSize,
        headerTimeout,
        idleTimeout,
        firstByteTimeout,
        readIdleTimeout,
        maxIdlePerMember,
        timing,
        clientLogs,
        Http2Limits.defaults(maxHeaderSize));
  }

  public static HttpSettings defaults() {
    return new HttpSettings(
        4096,
        8192,
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        64,
        true,
        ClientLogs.NONE);
  }

  /** The same settings with client logs going to {@code logs}. */
  public HttpSettings withClientLogs(ClientLogs logs) {
    return new HttpSettings(
        maxInitialLineLength,
        maxHeaderSize,
        headerTimeout,
        idleTimeout,
        firstByteTimeout,
        readIdleTimeout,
        maxIdlePerMember,
        timing,
        logs,
        http2);
  }
}
