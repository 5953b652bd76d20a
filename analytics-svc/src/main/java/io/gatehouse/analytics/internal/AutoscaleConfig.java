package io.gatehouse.analytics.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The autoscaler ({@code gatehouse.analytics.autoscale.*}) and the services it talks to.
 *
 * @param enabled evaluate autoscale policies (on the leader replica)
 * @param interval time between evaluations
 * @param policyTarget policy-svc's gRPC address (the policies and the pools using them)
 * @param policyToken analytics-svc's token at policy-svc (its read-only analytics token)
 *     <p>discovery-svc (instances, {@code ScaleApp}) is {@code gatehouse.analytics.discovery.*}.
 */
@ConfigurationProperties("gatehouse.analytics.autoscale")
public record AutoscaleConfig(
    @Bindable(defaultValue = "false") boolean enabled,
    @Bindable(defaultValue = "10s") Duration interval,
    @Nullable String policyTarget,
    @Nullable String policyToken) {}
