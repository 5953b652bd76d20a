package io.gatehouse.semanager.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The SSH driver ({@code gatehouse.semanager.lifecycle.ssh.*}).
 *
 * @param knownHosts an OpenSSH known_hosts file of trusted host keys (else only keys pinned on
 *     first use by groups that allow it are trusted)
 * @param connectTimeout for connecting, key exchange and authentication each
 * @param commandTimeout for a start, stop or status command to finish
 */
@ConfigurationProperties("gatehouse.semanager.lifecycle.ssh")
public record SshDriverConfig(
    @Nullable Path knownHosts,
    @Bindable(defaultValue = "10s") Duration connectTimeout,
    @Bindable(defaultValue = "60s") Duration commandTimeout) {}
