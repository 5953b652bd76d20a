package io.gatehouse.policy.secret;

import io.gatehouse.common.secret.SecretCipher;
import io.gatehouse.common.secret.SecretKeys;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;

/**
 * Builds the {@link SecretCipher} from {@link SecretsConfig}, refusing to run without a key (the
 * {@code local} environment creates its key file).
 */
@Factory
final class SecretCipherFactory {
  @Singleton
  SecretCipher secretCipher(SecretsConfig config, Environment environment) {
    try {
      return SecretKeys.cipher(
          config.key(),
          config.keyFile(),
          "gatehouse.policy.secrets",
          environment.getActiveNames().contains("local"));
    } catch (SecretKeys.InvalidSecretKeyException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }
}
