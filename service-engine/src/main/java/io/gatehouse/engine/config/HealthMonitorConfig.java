package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * An active health monitor of a pool's members (a Marathon {@code healthChecks} entry becomes one):
 * every {@code interval} each member is probed; {@code fall} failures in a row take it out of
 * rotation, {@code rise} successes in a row bring it back.
 *
 * @param type TCP (a connection is accepted) or HTTP (a GET of {@code path} answers 2xx or 3xx)
 * @param interval time between probes of one member
 * @param timeout time a probe may take
 * @param rise successes in a row that make a member up
 * @param fall failures in a row that make a member down
 * @param path the HTTP path probed
 */
public record HealthMonitorConfig(
    Type type, Duration interval, Duration timeout, int rise, int fall, String path) {
  /** What a probe does. */
  public enum Type {
    TCP,
    HTTP
  }

  public HealthMonitorConfig {
    requireNonNull(type, "type");
    requireNonNull(interval, "interval");
    requireNonNull(timeout, "timeout");
    path = path == null || path.isEmpty() ? "/" : path;
  }
}
