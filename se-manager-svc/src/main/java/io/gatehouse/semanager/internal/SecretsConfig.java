package io.gatehouse.semanager.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * The key SSH private keys are encrypted with at rest ({@code gatehouse.semanager.secrets.*}):
 * base64 of 32 random bytes, given directly or in a file. Without one the manager runs, but refuses
 * to store SSH keys.
 *
 * @param key base64 key material (environment GATEHOUSE_SEMANAGER_SECRETS_KEY)
 * @param keyFile path of a file holding the base64 key
 */
@ConfigurationProperties("gatehouse.semanager.secrets")
public record SecretsConfig(@Nullable String key, @Nullable String keyFile) {}
