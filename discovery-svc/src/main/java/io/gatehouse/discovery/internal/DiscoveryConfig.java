package io.gatehouse.discovery.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Follower timings ({@code gatehouse.discovery.*}).
 *
 * @param resyncInterval full diffing resync
 * @param stallTimeout an event stream silent this long is reconnected
 * @param requestTimeout each Marathon request
 * @param historyLimit deltas kept for resuming watches
 */
@ConfigurationProperties("gatehouse.discovery")
public record DiscoveryConfig(
    @Bindable(defaultValue = "60s") Duration resyncInterval,
    @Bindable(defaultValue = "60s") Duration stallTimeout,
    @Bindable(defaultValue = "10s") Duration requestTimeout,
    @Bindable(defaultValue = "10000") int historyLimit) {}
