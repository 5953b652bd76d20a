package io.gatehouse.discovery.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * Bearer tokens accepted by discovery-svc ({@code gatehouse.discovery.auth.*}). There are no
 * defaults: the service refuses to start without at least one operator token.
 *
 * @param operatorTokens tokens of operators and their tools
 * @param seManagerToken se-manager-svc's service token (read only)
 * @param analyticsToken analytics-svc's service token (read, and ScaleApp for the autoscaler)
 */
@ConfigurationProperties("gatehouse.discovery.auth")
public record AuthConfig(
    @Nullable List<String> operatorTokens,
    @Nullable String seManagerToken,
    @Nullable String analyticsToken) {}
