package io.gatehouse.semanager.auth;

import io.gatehouse.common.auth.BearerTokenInterceptor;
import io.gatehouse.common.identity.EngineCredentials;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

/**
 * Every call is authenticated by its bearer token (health and reflection are open): an operator
 * token, an engine token (which any engine may present as any engine), an engine's own credential
 * (which names it), or a service token (analytics-svc reading revocations).
 */
@Factory
final class AuthFactory {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AuthFactory.class);

  @Singleton
  BearerTokenInterceptor<Role> bearerTokens(
      AuthConfig config, @Nullable EngineCredentials engineCredentials) {
    BearerTokenInterceptor.Builder<Role> tokens =
        BearerTokenInterceptor.<Role>builder("gatehouse.semanager.auth")
            .required("operator-tokens", config.operatorTokens(), Role.OPERATOR);
    if (config.engineTokens() != null && !config.engineTokens().isEmpty()) {
      log.warn(
          "gatehouse.semanager.auth.engine-tokens is set: whoever holds such a token may act as any engine. Give each"
              + " engine run by hand a credential of its own instead (gatehouse"
              + " engine-credential)");
      config.engineTokens().forEach(t -> tokens.token("engine-tokens", t, Role.SERVICE_ENGINE));
    }
    if (config.serviceTokens() != null) {
      config.serviceTokens().forEach(t -> tokens.token("service-tokens", t, Role.SERVICE));
    }
    if (engineCredentials != null) {
      tokens.credentials(Role.SERVICE_ENGINE, engineCredentials::verify);
    }
    return tokens.build();
  }
}
