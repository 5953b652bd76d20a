package io.gatehouse.analytics.internal;

import io.gatehouse.analytics.apps.TaskAddresses;
import io.gatehouse.common.grpc.BearerToken;
import io.gatehouse.common.tls.GrpcTls;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * What analytics-svc has of discovery-svc when {@code gatehouse.analytics.discovery.target} is set:
 * a channel carrying its token, and the task addresses read through it.
 */
@Factory
final class DiscoveryFactory {
  @Singleton
  @Bean(preDestroy = "shutdownNow")
  @Named("discovery-connection")
  @Requires(property = "gatehouse.analytics.discovery.target")
  ManagedChannel connection(DiscoveryConfig config, GrpcTls tls) {
    if (config.token() == null || config.token().isBlank()) {
      throw new ConfigurationException(
          "gatehouse.analytics.discovery.token is required with gatehouse.analytics.discovery.target");
    }
    return tls.channel(config.target(), "gatehouse.analytics.discovery.server-name");
  }

  @Singleton
  @Named("discovery")
  @Requires(property = "gatehouse.analytics.discovery.target")
  Channel discovery(
      @Named("discovery-connection") ManagedChannel connection, DiscoveryConfig config) {
    return BearerToken.attach(connection, config.token());
  }

  @Singleton
  @Bean(preDestroy = "close")
  @Requires(property = "gatehouse.analytics.discovery.target")
  TaskAddresses taskAddresses(@Named("discovery") Channel discovery, DiscoveryConfig config) {
    return new TaskAddresses(discovery).start(config.refresh());
  }
}
