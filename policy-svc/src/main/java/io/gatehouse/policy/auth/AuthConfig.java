package io.gatehouse.policy.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * Bearer tokens accepted by policy-svc ({@code gatehouse.policy.auth.*}). There are no defaults:
 * the service refuses to start without at least one operator token.
 *
 * @param operatorTokens tokens of operators and their tools
 * @param discoveryToken discovery-svc's service token
 * @param seManagerToken se-manager-svc's service token
 * @param analyticsToken analytics-svc's service token (read-only)
 */
@ConfigurationProperties("gatehouse.policy.auth")
public record AuthConfig(
    @Nullable List<String> operatorTokens,
    @Nullable String discoveryToken,
    @Nullable String seManagerToken,
    @Nullable String analyticsToken) {}
