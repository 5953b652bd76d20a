package io.gatehouse.engine.config;

/** How a pool picks the member for a request (HTTP) or a connection (TCP). */
public enum LbAlgorithm {
  /** Each member in turn, as often as its weight says. */
  ROUND_ROBIN,
  /** The member with the fewest requests in flight relative to its weight. */
  LEAST_CONNECTIONS,
  /**
   * The member with the lowest moving average of response time, times what it has in flight (a slow
   * member and a busy one both look expensive).
   */
  FASTEST_RESPONSE,
  /**
   * A hash of the client's address, or of a request header, picks the member on a ring: the same
   * key keeps going to the same member while it is up, and a member leaving moves only its keys.
   */
  CONSISTENT_HASH
}
