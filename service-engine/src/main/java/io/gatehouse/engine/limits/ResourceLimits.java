package io.gatehouse.engine.limits;

import java.time.Duration;

/**
 * What one engine lets its clients hold at once.
 *
 * @param connectionsPerListener client connections open at once on one TCP or HTTP listener; the
 *     next is closed at once (and counted)
 * @param relayIdleTimeout a relayed connection (TCP, or HTTP after an upgrade such as WebSocket)
 *     with no byte either way this long is closed
 * @param udpSessionsPerListener UDP sessions (client addresses) at once on one listener
 * @param udpSessionsPerSourceNetwork UDP sessions at once from one /24 (IPv4) or /64 (IPv6), so
 *     that one network (or spoofed addresses in it) cannot take a listener's every session
 * @param udpSessionTimeout a UDP session without a datagram either way this long ends
 * @param rateLimitClients client addresses each per-client rate of a virtual service tracks at
 *     most; beyond it the least used are forgotten
 */
public record ResourceLimits(
    int connectionsPerListener,
    Duration relayIdleTimeout,
    int udpSessionsPerListener,
    int udpSessionsPerSourceNetwork,
    Duration udpSessionTimeout,
    int rateLimitClients) {

  public ResourceLimits {
    positive(connectionsPerListener, "connections per listener");
    positive(udpSessionsPerListener, "UDP sessions per listener");
    positive(udpSessionsPerSourceNetwork, "UDP sessions per source network");
    positive(relayIdleTimeout, "relay idle timeout");
    positive(udpSessionTimeout, "UDP session timeout");
    positive(rateLimitClients, "rate-limited clients");
  }

  /** As the canonical form, with the default table of rate-limited clients. */
  public ResourceLimits(
      int connectionsPerListener,
      Duration relayIdleTimeout,
      int udpSessionsPerListener,
      int udpSessionsPerSourceNetwork,
      Duration udpSessionTimeout) {
    this(
        connectionsPerListener,
        relayIdleTimeout,
        udpSessionsPerListener,
        udpSessionsPerSourceNetwork,
        udpSessionTimeout,
        DEFAULT_RATE_LIMIT_CLIENTS);
  }

  /** Client addresses tracked per per-client rate unless configured. */
  public static final int DEFAULT_RATE_LIMIT_CLIENTS = 65_536;

  /**
   * 50,000 connections and 65,536 UDP sessions per listener, 1,024 per source network; 65,536
   * rate-limited clients per rate.
   */
  public static ResourceLimits defaults() {
    return new ResourceLimits(50_000, Duration.ofHours(1), 65_536, 1_024, Duration.ofSeconds(60));
  }

  private static void positive(int value, String what) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be positive, not " + value);
    }
  }

  private static void positive(Duration value, String what) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, not " + value);
    }
  }
}
