package io.gatehouse.semanager.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The Marathon driver ({@code gatehouse.semanager.lifecycle.marathon.*}).
 *
 * @param url Marathon's base URL, e.g. http://marathon.mesos:8080; without it the driver is off
 * @param credentials "user:password" for HTTP Basic auth, if Marathon asks for it
 * @param command the engine command for groups without an image or command of their own
 * @param secretStoreUrl the DC/OS Secrets API the engines' group credentials are written to, e.g.
 *     https://master.mesos/secrets/v1; required with {@code url}, since a Marathon app's engines
 *     get their credential only as one of Marathon's secrets, never in the app's plain environment
 * @param secretStoreToken the token that API asks for (give it in the environment)
 * @param secretStore the store's name
 * @param credentialSecret the secret path of a group's credential; {@code {group}} is the group
 * @param registrySecret the secret path of the Docker config a group's image is pulled with, for
 *     groups with registry credentials; {@code {group}} is the group
 */
@ConfigurationProperties("gatehouse.semanager.lifecycle.marathon")
public record MarathonDriverConfig(
    @Nullable String url,
    @Nullable String credentials,
    @Nullable String command,
    @Nullable String secretStoreUrl,
    @Nullable String secretStoreToken,
    @Bindable(defaultValue = "default") String secretStore,
    @Bindable(defaultValue = "gatehouse/engine-credential/{group}") String credentialSecret,
    @Bindable(defaultValue = "gatehouse/registry-credential/{group}") String registrySecret) {}
