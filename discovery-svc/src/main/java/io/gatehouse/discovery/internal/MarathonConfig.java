package io.gatehouse.discovery.internal;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;

/**
 * One Marathon instance (framework) to follow, under {@code gatehouse.discovery.marathons.<name>};
 * the instance named "default" is the one API calls mean when they name none.
 *
 * @param name the instance's name
 * @param url base URL, with any prefix (e.g. https://master/service/marathon)
 * @param credentials "user:password" for HTTP Basic auth
 * @param token a DC/OS authentication token
 * @param servicePortMin lowest service port of this instance's apps that is proxied east-west
 *     (default {@code gatehouse.discovery.proxy.service-port-min})
 * @param servicePortMax highest such service port (default {@code
 *     gatehouse.discovery.proxy.service-port-max}); the ranges of several instances must not
 *     overlap, since every SE listens on every service port
 */
@EachProperty("gatehouse.discovery.marathons")
public record MarathonConfig(
    @Parameter String name,
    String url,
    @Nullable String credentials,
    @Nullable String token,
    @Nullable Integer servicePortMin,
    @Nullable Integer servicePortMax) {}
