package io.gatehouse.semanager.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * The Marathon driver ({@code gatehouse.semanager.lifecycle.marathon.*}).
 *
 * @param url Marathon's base URL, e.g. http://marathon.mesos:8080; without it the driver is off
 * @param credentials "user:password" for HTTP Basic auth, if Marathon asks for it
 * @param command the engine command for groups without an image or command of their own
 */
@ConfigurationProperties("gatehouse.semanager.lifecycle.marathon")
public record MarathonDriverConfig(
    @Nullable String url, @Nullable String credentials, @Nullable String command) {}
