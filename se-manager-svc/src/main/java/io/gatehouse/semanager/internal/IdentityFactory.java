package io.gatehouse.semanager.internal;

import io.gatehouse.common.identity.EngineCredentials;
import io.gatehouse.common.identity.EngineIdentity;
import io.gatehouse.semanager.identity.CredentialsConfig;
import io.gatehouse.semanager.identity.EngineCredentialIssuer;
import io.gatehouse.semanager.identity.IdentityGrpcService;
import io.gatehouse.semanager.identity.RevocationStore;
import io.gatehouse.semanager.identity.SpentCredentials;
import io.gatehouse.semanager.inventory.EngineEvents;
import io.grpc.BindableService;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Engine credentials, when {@code gatehouse.semanager.engine-credentials.signing-key} is set: the
 * key pair, checked at start to be a pair, and the issuer of deploy and session credentials.
 */
@Factory
@Requires(property = "gatehouse.semanager.engine-credentials.signing-key")
final class IdentityFactory {
  private static final String PREFIX = "gatehouse.semanager.engine-credentials";

  @Singleton
  EngineCredentials engineCredentials(CredentialsConfig config) {
    if (config.verificationKey() == null) {
      throw new ConfigurationException(
          PREFIX + ".verification-key is required with " + PREFIX + ".signing-key");
    }
    EngineCredentials credentials;
    try {
      credentials =
          EngineCredentials.signing(
              config.signingKey(), config.verificationKey(), Clock.systemUTC());
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new ConfigurationException(PREFIX + ": " + e.getMessage(), e);
    }
    String probe =
        credentials.issue(
            "probe@probe", "probe", EngineIdentity.Use.SESSION, Duration.ofMinutes(1));
    if (credentials.verify(probe).isEmpty()) {
      throw new ConfigurationException(
          PREFIX + ".signing-key and .verification-key are not a key pair");
    }
    return credentials;
  }

  /** The revocations: kept as long as a credential naming one engine can last. */
  @Singleton
  RevocationStore revocations(DataSource dataSource, CredentialsConfig config) {
    return new RevocationStore(
        dataSource,
        config.deployLifetime().compareTo(config.sessionLifetime()) > 0
            ? config.deployLifetime()
            : config.sessionLifetime());
  }

  @Singleton
  SpentCredentials spentCredentials(DataSource dataSource) {
    return new SpentCredentials(dataSource);
  }

  @Singleton
  @Named("identities")
  BindableService identityService(
      EngineCredentialIssuer issuer, RevocationStore revocations, EngineEvents events) {
    return new IdentityGrpcService(issuer, revocations, events);
  }

  @Singleton
  EngineCredentialIssuer issuer(EngineCredentials credentials, CredentialsConfig config) {
    return new EngineCredentialIssuer(credentials, config, Clock.systemUTC());
  }
}
