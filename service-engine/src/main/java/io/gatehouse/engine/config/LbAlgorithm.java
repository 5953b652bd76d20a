package io.gatehouse.engine.config;

/** How a pool picks the member for a request (HTTP) or a connection (TCP). */
public enum LbAlgorithm {
  /** Each member in turn, as often as its weight says. */
  ROUND_ROBIN,
  /** The member with the fewest requests in flight relative to its weight. */
  LEAST_CONNECTIONS
}
