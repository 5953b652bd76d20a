package io.gatehouse.analytics.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.nio.file.Path;
import java.util.List;

/**
 * Bearer tokens accepted by analytics-svc ({@code gatehouse.analytics.auth.*}). There are no
 * defaults: the service refuses to start without at least one operator token.
 *
 * @param operatorTokens tokens of operators and their tools
 * @param engineTokens shared tokens engines may report with, trusted to say who they are (for
 *     engines run by hand)
 * @param engineCredentialsKey PEM file of se-manager-svc's engine-credential public key: engines
 *     report with the session credential se-manager-svc gave them, which names them
 */
@ConfigurationProperties("gatehouse.analytics.auth")
public record AuthConfig(
    @Nullable List<String> operatorTokens,
    @Nullable List<String> engineTokens,
    @Nullable Path engineCredentialsKey) {}
