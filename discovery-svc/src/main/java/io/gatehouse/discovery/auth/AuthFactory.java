package io.gatehouse.discovery.auth;

import io.gatehouse.common.auth.BearerTokenInterceptor;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Every call is authenticated by its bearer token (health and reflection are open). */
@Factory
final class AuthFactory {
  @Singleton
  BearerTokenInterceptor<Role> bearerTokens(AuthConfig config) {
    return BearerTokenInterceptor.<Role>builder("gatehouse.discovery.auth")
        .required("operator-tokens", config.operatorTokens(), Role.OPERATOR)
        .token("se-manager-token", config.seManagerToken(), Role.SE_MANAGER)
        .token("analytics-token", config.analyticsToken(), Role.ANALYTICS)
        .build();
  }
}
