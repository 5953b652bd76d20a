package io.gatehouse.engine.listener;

import io.netty.handler.codec.http2.Http2Error;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one virtual service has served: counters that many event loops add to without contention.
 */
public final class ServiceStats {
  /** Why a connection or UDP session was turned away by a resource limit. */
  public enum Refusal {
    /** The listener had as many connections as it may. */
    LISTENER_FULL,
    /** The UDP listener had as many sessions as it may. */
    UDP_SESSIONS_FULL,
    /** The client's /24 (or /64) had as many UDP sessions on the listener as it may. */
    UDP_SOURCE_NETWORK_FULL,
    /** The virtual service had as many open connections as its rate limits allow. */
    SERVICE_FULL,
    /** The virtual service's connections (or UDP sessions) per second. */
    CONNECTION_RATE,
    /** The client address's connections (or UDP sessions) per second. */
    CLIENT_CONNECTION_RATE
  }

  /** Why a request was answered 429. */
  public enum RequestLimit {
    /** The virtual service's requests per second. */
    REQUEST_RATE,
    /** The client address's requests per second. */
    CLIENT_REQUEST_RATE
  }

  private final LongAdder[] refused = new LongAdder[Refusal.values().length];
  private final LongAdder[] limited = {new LongAdder(), new LongAdder()};
  private final LongAdder connectionsOpened = new LongAdder();
  private final LongAdder connectionsOpen = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder denied = new LongAdder();
  private final LongAdder policyDenied = new LongAdder();
  private final LongAdder[] http2Errors = new LongAdder[Http2Error.values().length];
  private final LongAdder[] responsesByClass = new LongAdder[6];
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();

  public ServiceStats() {
    for (int i = 0; i < responsesByClass.length; i++) {
      responsesByClass[i] = new LongAdder();
    }
    for (int i = 0; i < refused.length; i++) {
      refused[i] = new LongAdder();
    }
    for (int i = 0; i < http2Errors.length; i++) {
      http2Errors[i] = new LongAdder();
    }
  }

  /** A connection or UDP session a resource limit turned away. */
  public void refused(Refusal why) {
    refused[why.ordinal()].increment();
  }

  public long refusals(Refusal why) {
    return refused[why.ordinal()].sum();
  }

  /** A request a rate limit answered 429. */
  public void limited(RequestLimit why) {
    limited[why.ordinal()].increment();
  }

  public long limitedRequests(RequestLimit why) {
    return limited[why.ordinal()].sum();
  }

  /**
   * Requests answered 429 and connections or sessions refused by the service's rate limits, all
   * told (the analytics figure).
   */
  public long rateLimited() {
    return limited[0].sum()
        + limited[1].sum()
        + refusals(Refusal.SERVICE_FULL)
        + refusals(Refusal.CONNECTION_RATE)
        + refusals(Refusal.CLIENT_CONNECTION_RATE);
  }

  public void connectionOpened() {
    connectionsOpened.increment();
    connectionsOpen.increment();
  }

  public void connectionClosed() {
    connectionsOpen.decrement();
  }

  /** A client its security policy did not let in. */
  public void denied() {
    denied.increment();
  }

  public long deniedConnections() {
    return denied.sum();
  }

  /**
   * An HTTP/2 connection the engine ended for {@code error} (GOAWAY): a client that broke the
   * protocol or a limit (ENHANCE_YOUR_CALM for floods of resets or control frames).
   */
  public void http2ConnectionError(Http2Error error) {
    http2Errors[error.ordinal()].increment();
  }

  public long http2ConnectionErrors(Http2Error error) {
    return http2Errors[error.ordinal()].sum();
  }

  /** A request an HTTP policy rule refused. */
  public void policyDenied() {
    policyDenied.increment();
  }

  public long policyDeniedRequests() {
    return policyDenied.sum();
  }

  public void request() {
    requests.increment();
  }

  /** Counts a response by its class (1xx … 5xx). */
  public void response(int status) {
    int statusClass = status / 100;
    responsesByClass[statusClass >= 1 && statusClass <= 5 ? statusClass : 0].increment();
  }

  public void bytesIn(long n) {
    bytesIn.add(n);
  }

  public void bytesOut(long n) {
    bytesOut.add(n);
  }

  public long connectionsOpened() {
    return connectionsOpened.sum();
  }

  public long connectionsOpen() {
    return connectionsOpen.sum();
  }

  public long requests() {
    return requests.sum();
  }

  /** Responses of class {@code statusClass} (1 … 5). */
  public long responses(int statusClass) {
    return responsesByClass[statusClass].sum();
  }

  public long bytesIn() {
    return bytesIn.sum();
  }

  public long bytesOut() {
    return bytesOut.sum();
  }
}
