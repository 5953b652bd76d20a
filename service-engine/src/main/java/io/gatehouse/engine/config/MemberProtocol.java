package io.gatehouse.engine.config;

/** What the engine speaks to a pool's members (HTTP virtual services). */
public enum MemberProtocol {
  /** HTTP/1.1 with keep-alive. */
  HTTP1,
  /** HTTP/2 in clear with prior knowledge: streams multiplexed over a connection per member. */
  H2C
}
