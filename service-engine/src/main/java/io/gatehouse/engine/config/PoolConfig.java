package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * A pool: its members and how traffic is spread over them.
 *
 * @param name unique among pools
 * @param algorithm the load-balancing algorithm
 * @param endpoints the members
 * @param connectTimeout how long a connection to a member may take before the next is tried
 */
public record PoolConfig(
    String name, LbAlgorithm algorithm, List<EndpointConfig> endpoints, Duration connectTimeout) {
  public PoolConfig {
    requireNonNull(name, "name");
    requireNonNull(algorithm, "algorithm");
    endpoints = List.copyOf(endpoints);
    requireNonNull(connectTimeout, "connectTimeout");
  }
}
