package io.gatehouse.analytics.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * discovery-svc, as analytics-svc uses it ({@code gatehouse.analytics.discovery.*}): the apps' task
 * addresses (clients on the application map), their instances and {@code ScaleApp} (the
 * autoscaler).
 *
 * @param target discovery-svc's gRPC address; without it clients stay addresses on the map and the
 *     autoscaler cannot run
 * @param token analytics-svc's token at discovery-svc (one that may scale)
 * @param refresh how often the task addresses are read again
 */
@ConfigurationProperties("gatehouse.analytics.discovery")
public record DiscoveryConfig(
    @Nullable String target,
    @Nullable String token,
    @Bindable(defaultValue = "10s") Duration refresh) {}
