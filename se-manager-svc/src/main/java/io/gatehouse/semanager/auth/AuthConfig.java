package io.gatehouse.semanager.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * Bearer tokens accepted by se-manager-svc ({@code gatehouse.semanager.auth.*}). There are no
 * defaults: the service refuses to start without at least one operator token.
 *
 * @param operatorTokens tokens of operators and their tools
 * @param engineTokens shared tokens engines may connect with, trusted to say who they are: for
 *     engines run by hand; engines this manager deploys get credentials of their own instead
 * @param serviceTokens tokens of the services that read the revoked engine credentials
 *     (analytics-svc)
 */
@ConfigurationProperties("gatehouse.semanager.auth")
public record AuthConfig(
    @Nullable List<String> operatorTokens,
    @Nullable List<String> engineTokens,
    @Nullable List<String> serviceTokens) {}
