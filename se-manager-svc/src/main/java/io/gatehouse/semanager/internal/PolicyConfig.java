package io.gatehouse.semanager.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Where the configuration comes from ({@code gatehouse.semanager.policy.*}).
 *
 * @param target policy-svc's gRPC address, host:port
 * @param token se-manager-svc's bearer token at policy-svc (the role that may read keys)
 * @param eastWestAddress where engines listen for east-west services (0.0.0.0: every interface)
 */
@ConfigurationProperties("gatehouse.semanager.policy")
public record PolicyConfig(
    @Nullable String target,
    @Nullable String token,
    @Bindable(defaultValue = "0.0.0.0") String eastWestAddress) {}
