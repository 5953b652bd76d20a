package io.gatehouse.policy.secret;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * Where the key that encrypts private keys at rest comes from ({@code gatehouse.policy.secrets.*}):
 * base64 of 32 random bytes, given directly or in a file. Outside the {@code local} environment the
 * service refuses to start without one; in {@code local} it creates {@code key-file} when missing.
 *
 * @param key base64 key material (environment GATEHOUSE_POLICY_SECRETS_KEY)
 * @param keyFile path of a file holding the base64 key
 */
@ConfigurationProperties("gatehouse.policy.secrets")
public record SecretsConfig(@Nullable String key, @Nullable String keyFile) {}
