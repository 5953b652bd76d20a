package io.gatehouse.analytics.auth;

import io.gatehouse.common.auth.BearerTokenInterceptor;
import io.gatehouse.common.identity.EngineCredentials;
import io.gatehouse.common.identity.EngineIdentity;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.time.Clock;

/**
 * Every call is authenticated by its bearer token (health and reflection are open): an operator
 * token, a shared engine token, or an engine's session credential from se-manager-svc (deploy
 * credentials open control streams only).
 */
@Factory
final class AuthFactory {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AuthFactory.class);

  @Singleton
  BearerTokenInterceptor<Role> bearerTokens(AuthConfig config) {
    BearerTokenInterceptor.Builder<Role> tokens =
        BearerTokenInterceptor.<Role>builder("gatehouse.analytics.auth")
            .required("operator-tokens", config.operatorTokens(), Role.OPERATOR);
    if (config.engineTokens() != null && !config.engineTokens().isEmpty()) {
      log.warn(
          "gatehouse.analytics.auth.engine-tokens is set: whoever holds such a token may act as any engine. Give each"
              + " engine run by hand a credential of its own instead (gatehouse"
              + " engine-credential)");
      config.engineTokens().forEach(t -> tokens.token("engine-tokens", t, Role.SERVICE_ENGINE));
    }
    if (config.engineCredentialsKey() != null) {
      EngineCredentials credentials;
      try {
        credentials = EngineCredentials.verifying(config.engineCredentialsKey(), Clock.systemUTC());
      } catch (IllegalArgumentException | UncheckedIOException e) {
        throw new ConfigurationException(
            "gatehouse.analytics.auth.engine-credentials-key: " + e.getMessage(), e);
      }
      tokens.credentials(
          Role.SERVICE_ENGINE,
          token -> credentials.verify(token).filter(id -> id.use() == EngineIdentity.Use.SESSION));
    }
    return tokens.build();
  }
}
