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
 */
@EachProperty("gatehouse.discovery.marathons")
public record MarathonConfig(
    @Parameter String name, String url, @Nullable String credentials, @Nullable String token) {}
