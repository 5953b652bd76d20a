package io.gatehouse.engine.config;

/** What a listener speaks. */
public enum Protocol {
  /** HTTP/1.1 reverse proxying, request by request. */
  HTTP,
  /** A byte stream relayed to one pool member per connection. */
  TCP,
  /** Datagrams relayed to one pool member per client address (a session). */
  UDP
}
