package io.gatehouse.policy.auth;

import io.gatehouse.common.auth.BearerTokenInterceptor;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * Every call is authenticated by its bearer token; there are no default tokens, so the service
 * refuses to start without at least one operator token.
 */
@Factory
final class AuthFactory {
  @Singleton
  BearerTokenInterceptor<Role> bearerTokens(AuthConfig config) {
    return BearerTokenInterceptor.<Role>builder("gatehouse.policy.auth")
        .required("operator-tokens", config.operatorTokens(), Role.OPERATOR)
        .token("discovery-token", config.discoveryToken(), Role.DISCOVERY)
        .token("se-manager-token", config.seManagerToken(), Role.SE_MANAGER)
        .token("analytics-token", config.analyticsToken(), Role.ANALYTICS)
        .build();
  }
}
