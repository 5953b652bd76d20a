package io.gatehouse.engine.config;

/** What the engine speaks to a pool's members (HTTP virtual services). */
public enum MemberProtocol {
  /** HTTP/1.1 with keep-alive. */
  HTTP1,
  /** HTTP/2 in clear with prior knowledge: streams multiplexed over a connection per member. */
  H2C,
  /** HTTP/2 over TLS, agreed by ALPN: streams multiplexed as with {@link #H2C}. */
  H2;

  /** Whether requests are streams multiplexed over one connection per member and event loop. */
  public boolean multiplexed() {
    return this != HTTP1;
  }
}
