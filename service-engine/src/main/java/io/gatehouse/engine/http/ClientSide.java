package io.gatehouse.engine.http;

import io.gatehouse.engine.listener.ServiceStats;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Where an {@link HttpExchange}'s request comes from and its response goes: an HTTP/1.1 connection
 * ({@link HttpFrontendHandler}) or one HTTP/2 stream ({@link Http2Streams}). The exchange speaks
 * HTTP/1.1 messages either way; each side reads and writes them in its own framing, and paces its
 * client by its own flow control. Event-loop confined.
 */
interface ClientSide {
  /**
   * Asks the client for more of the request (its body): delivered to the exchange when it comes.
   */
  void read();

  /** Queues a part of the response (its head, body or end). */
  void write(HttpObject part);

  /** Sends what is queued. */
  void flush();

  /** Whether the client takes the response as fast as it comes (the member is read meanwhile). */
  boolean writable();

  /** Ends the client's side at once: a response cut short, which the client must see as such. */
  void abort();

  /**
   * Sends the engine's own answer; unless {@code reusable}, the client's side ends after it. When
   * {@code reusable}, the side serves the next request.
   */
  void answer(FullHttpResponse response, boolean reusable);

  /** The response is complete and the request too: the side serves the next request. */
  void nextRequest();

  /** The response is complete: the side ends once it has gone. */
  void closeAfterResponse();

  /** Whether a member may switch protocols here (HTTP/1.1: yes; an HTTP/2 stream: no). */
  boolean canSwitch();

  /** The member switched protocols (its 101): the client and {@code server} become a byte relay. */
  void switchProtocols(Channel server, HttpResponse response, ServiceStats stats);

  /** Whether {@code candidate} is the exchange this side serves now. */
  boolean isCurrent(HttpExchange candidate);

  /** {@code ended} is over; the side serves no exchange until its next request. */
  void ended(HttpExchange ended);
}
