package io.gatehouse.analytics.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * se-manager-svc, as analytics-svc uses it ({@code gatehouse.analytics.semanager.*}): the engine
 * credentials it revoked when it decommissioned their engines.
 *
 * @param target se-manager-svc's gRPC address; without it a decommissioned engine's session
 *     credential is accepted until it expires
 * @param token analytics-svc's service token at se-manager-svc
 * @param refresh how often the revocations are read again
 */
@ConfigurationProperties("gatehouse.analytics.semanager")
public record SeManagerConfig(
    @Nullable String target,
    @Nullable String token,
    @Bindable(defaultValue = "2s") Duration refresh) {}
