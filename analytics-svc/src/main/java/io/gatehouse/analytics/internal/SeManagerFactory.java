package io.gatehouse.analytics.internal;

import io.gatehouse.analytics.revocation.RevokedCredentials;
import io.gatehouse.common.grpc.BearerToken;
import io.gatehouse.common.tls.GrpcTls;
import io.grpc.ManagedChannel;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * What analytics-svc has of se-manager-svc when {@code gatehouse.analytics.semanager.target} is
 * set: a channel carrying its token, and the revoked engine credentials read through it.
 */
@Factory
@Requires(property = "gatehouse.analytics.semanager.target")
final class SeManagerFactory {
  @Singleton
  @Bean(preDestroy = "shutdownNow")
  @Named("se-manager-connection")
  ManagedChannel connection(SeManagerConfig config, GrpcTls tls) {
    if (config.token() == null || config.token().isBlank()) {
      throw new ConfigurationException(
          "gatehouse.analytics.semanager.token is required with gatehouse.analytics.semanager.target");
    }
    return tls.channel(config.target(), "gatehouse.analytics.semanager.server-name");
  }

  @Singleton
  @Bean(preDestroy = "close")
  RevokedCredentials revokedCredentials(
      @Named("se-manager-connection") ManagedChannel connection, SeManagerConfig config) {
    return new RevokedCredentials(BearerToken.attach(connection, config.token()))
        .start(config.refresh());
  }
}
