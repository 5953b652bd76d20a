package io.gatehouse.semanager.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.nio.file.Path;

/**
 * The local driver ({@code gatehouse.semanager.lifecycle.local.*}): engines as child processes.
 *
 * @param engineJar the service engine's jar
 * @param command the engine command template (default: {@code LocalDriver.DEFAULT_COMMAND})
 * @param workDir where engines keep logs and state (default: a folder in the temp dir)
 */
@ConfigurationProperties("gatehouse.semanager.lifecycle.local")
public record LocalDriverConfig(
    @Nullable Path engineJar, @Nullable String command, @Nullable Path workDir) {}
