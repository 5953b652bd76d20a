package io.gatehouse.engine.http;

import io.gatehouse.engine.analytics.ClientLogs;
import java.time.Duration;

/**
 * Limits and timeouts of HTTP listeners.
 *
 * @param maxInitialLineLength longest request line; longer gets 414
 * @param maxHeaderSize largest header block; larger gets 431
 * @param headerTimeout time a client has to send a whole request head (slowloris); 408 after
 * @param idleTimeout a keep-alive connection without a request this long is closed
 * @param responseTimeout time a member has to answer a request completely; 504 (or a close, once
 *     the response started) after
 * @param maxIdlePerMember idle keep-alive connections kept per member and event loop
 * @param timing whether every request is timed (its components into histograms)
 * @param clientLogs where requests worth a client log go
 */
public record HttpSettings(
    int maxInitialLineLength,
    int maxHeaderSize,
    Duration headerTimeout,
    Duration idleTimeout,
    Duration responseTimeout,
    int maxIdlePerMember,
    boolean timing,
    ClientLogs clientLogs) {

  public static HttpSettings defaults() {
    return new HttpSettings(
        4096,
        8192,
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        64,
        true,
        ClientLogs.NONE);
  }

  /** The same settings with timing on or off. */
  public HttpSettings withTiming(boolean timing) {
    return new HttpSettings(
        maxInitialLineLength,
        maxHeaderSize,
        headerTimeout,
        idleTimeout,
        responseTimeout,
        maxIdlePerMember,
        timing,
        clientLogs);
  }

  /** The same settings with client logs going to {@code logs}. */
  public HttpSettings withClientLogs(ClientLogs logs) {
    return new HttpSettings(
        maxInitialLineLength,
        maxHeaderSize,
        headerTimeout,
        idleTimeout,
        responseTimeout,
        maxIdlePerMember,
        timing,
        logs);
  }
}
