package io.gatehouse.analytics.auth;

import io.gatehouse.common.auth.BearerTokenInterceptor;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Every call is authenticated by its bearer token (health and reflection are open). */
@Factory
final class AuthFactory {
  @Singleton
  BearerTokenInterceptor<Role> bearerTokens(AuthConfig config) {
    BearerTokenInterceptor.Builder<Role> tokens =
        BearerTokenInterceptor.<Role>builder("gatehouse.analytics.auth")
            .required("operator-tokens", config.operatorTokens(), Role.OPERATOR);
    if (config.engineTokens() != null) {
      config.engineTokens().forEach(t -> tokens.token("engine-tokens", t, Role.SERVICE_ENGINE));
    }
    return tokens.build();
  }
}
