package io.gatehouse.engine.config;

/**
 * A virtual service's limits on this engine's traffic; 0 is no limit.
 *
 * @param connectionsPerSecond new connections (UDP: sessions) per second to the service
 * @param requestsPerSecond HTTP requests per second to the service (more: 429)
 * @param maxConcurrentConnections connections open at once to the service (TCP and HTTP)
 * @param burst what each rate allows at once above its steady rate
 * @param clientConnectionsPerSecond new connections (UDP: sessions) per second from one address
 * @param clientRequestsPerSecond HTTP requests per second from one client address (more: 429)
 */
public record RateLimitConfig(
    int connectionsPerSecond,
    int requestsPerSecond,
    int maxConcurrentConnections,
    int burst,
    int clientConnectionsPerSecond,
    int clientRequestsPerSecond) {
  /** No limit at all. */
  public static final RateLimitConfig NONE = new RateLimitConfig(0, 0, 0, 0, 0, 0);

  /** Whether any limit is set (a burst alone limits nothing). */
  public boolean any() {
    return connectionsPerSecond > 0
        || requestsPerSecond > 0
        || maxConcurrentConnections > 0
        || clientConnectionsPerSecond > 0
        || clientRequestsPerSecond > 0;
  }
}
