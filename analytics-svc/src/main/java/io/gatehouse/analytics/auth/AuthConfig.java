package io.gatehouse.analytics.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * Bearer tokens accepted by analytics-svc ({@code gatehouse.analytics.auth.*}). There are no
 * defaults: the service refuses to start without at least one operator token.
 *
 * @param operatorTokens tokens of operators and their tools
 * @param engineTokens tokens the service engines present on their Report stream
 */
@ConfigurationProperties("gatehouse.analytics.auth")
public record AuthConfig(
    @Nullable List<String> operatorTokens, @Nullable List<String> engineTokens) {}
