package io.gatehouse.engine;

import io.gatehouse.engine.config.InvalidConfigException;
import io.gatehouse.engine.config.StaticConfigFile;
import io.gatehouse.engine.limits.ResourceLimits;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What one listener may hold at once: client connections, UDP sessions (in all and per client
 * network), relays left idle, and the clients a per-client rate limit tracks.
 */
final class LimitOptions {
  @Option(
      names = "--max-connections",
      description =
          "client connections open at once per TCP or HTTP listener (default: ${DEFAULT-VALUE})")
  int maxConnections = ResourceLimits.defaults().connectionsPerListener();

  @Option(
      names = "--relay-idle-timeout",
      paramLabel = "DURATION",
      description =
          "a TCP relay or upgraded HTTP connection with no byte either way this long is closed,"
              + " like 30s, 5m or 1h (default: ${DEFAULT-VALUE})")
  String relayIdleTimeout = "1h";

  @Option(
      names = "--udp-max-sessions",
      description = "UDP sessions at once per listener (default: ${DEFAULT-VALUE})")
  int udpMaxSessions = ResourceLimits.defaults().udpSessionsPerListener();

  @Option(
      names = "--udp-max-sessions-per-network",
      description =
          "UDP sessions at once per listener from one /24 (IPv4) or /64 (IPv6)"
              + " (default: ${DEFAULT-VALUE})")
  int udpMaxSessionsPerNetwork = ResourceLimits.defaults().udpSessionsPerSourceNetwork();

  @Option(
      names = "--udp-session-timeout",
      description = "a UDP session without a datagram either way this long ends (default: 60s)")
  String udpSessionTimeout;

  @Option(
      names = "--rate-limit-clients",
      description =
          "client addresses each per-client rate limit of a virtual service tracks at most; the"
              + " least used are forgotten beyond it (default: ${DEFAULT-VALUE})")
  int rateLimitClients = ResourceLimits.DEFAULT_RATE_LIMIT_CLIENTS;

  /**
   * The limits these options set.
   *
   * @throws InvalidConfigException naming the option that is out of range
   */
  ResourceLimits limits() {
    positive(maxConnections, "--max-connections");
    positive(udpMaxSessions, "--udp-max-sessions");
    positive(udpMaxSessionsPerNetwork, "--udp-max-sessions-per-network");
    positive(rateLimitClients, "--rate-limit-clients");
    Duration relay = StaticConfigFile.duration(relayIdleTimeout, "--relay-idle-timeout");
    if (relay.isZero()) {
      throw invalid("--relay-idle-timeout", "must be positive");
    }
    return new ResourceLimits(
        maxConnections,
        relay,
        udpMaxSessions,
        udpMaxSessionsPerNetwork,
        udpSessionTimeout == null
            ? ResourceLimits.defaults().udpSessionTimeout()
            : StaticConfigFile.duration(udpSessionTimeout, "--udp-session-timeout"),
        rateLimitClients);
  }

  private static void positive(int value, String option) {
    if (value <= 0) {
      throw invalid(option, "must be positive");
    }
  }

  private static InvalidConfigException invalid(String field, String description) {
    return new InvalidConfigException(
        List.of(new InvalidConfigException.Violation(field, description)));
  }
}
