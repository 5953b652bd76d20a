package io.gatehouse.semanager.identity;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Engine credentials ({@code gatehouse.semanager.engine-credentials.*}).
 *
 * @param signingKey PEM file of the EC P-256 private key (PKCS#8) that signs them; se-manager-svc
 *     alone holds it
 * @param verificationKey PEM file of its public key (also given to analytics-svc)
 * @param sessionLifetime how long a session credential lasts; a new one is sent at half of it
 * @param deployLifetime how long the credential an engine is deployed with lasts (local, SSH and
 *     Fleet engines, each its own)
 * @param groupLifetime how long the credential of a Marathon app's engines lasts (one per group, a
 *     Marathon secret: it opens control streams only, for engines of that group)
 */
@ConfigurationProperties("gatehouse.semanager.engine-credentials")
public record CredentialsConfig(
    @Nullable Path signingKey,
    @Nullable Path verificationKey,
    @Bindable(defaultValue = "1h") Duration sessionLifetime,
    @Bindable(defaultValue = "24h") Duration deployLifetime,
    @Bindable(defaultValue = "30d") Duration groupLifetime) {}
