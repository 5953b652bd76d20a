package io.gatehouse.semanager.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * Where Marathon apps come from ({@code gatehouse.semanager.discovery.*}). Without a target, pools
 * of Marathon app members stay empty.
 *
 * @param target discovery-svc's gRPC address, host:port
 * @param token se-manager-svc's bearer token at discovery-svc
 */
@ConfigurationProperties("gatehouse.semanager.discovery")
public record DiscoveryConfig(@Nullable String target, @Nullable String token) {}
