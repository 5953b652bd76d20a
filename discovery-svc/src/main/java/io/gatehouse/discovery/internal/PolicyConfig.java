package io.gatehouse.discovery.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Where discovery-svc writes the objects apps make ({@code gatehouse.discovery.policy.*}). Without
 * a target, nothing is written (apps are still followed and served).
 *
 * @param target policy-svc's gRPC address, host:port
 * @param token discovery-svc's bearer token at policy-svc
 * @param coalesce the shortest time between two writes of the same app
 */
@ConfigurationProperties("gatehouse.discovery.policy")
public record PolicyConfig(
    @Nullable String target,
    @Nullable String token,
    @Bindable(defaultValue = "500ms") Duration coalesce) {}
