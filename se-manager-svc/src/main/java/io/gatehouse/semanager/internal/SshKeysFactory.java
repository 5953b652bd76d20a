package io.gatehouse.semanager.internal;

import io.gatehouse.common.secret.SecretCipher;
import io.gatehouse.common.secret.SecretKeys;
import io.gatehouse.semanager.driver.ssh.SshKeyStore;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SSH key store, encrypting with the configured secrets key (none: no keys can be stored). */
@Factory
final class SshKeysFactory {
  private static final Logger log = LoggerFactory.getLogger(SshKeysFactory.class);

  @Singleton
  SshKeyStore sshKeyStore(DataSource dataSource, SecretsConfig config, Environment environment) {
    SecretCipher cipher = null;
    boolean configured =
        (config.key() != null && !config.key().isBlank())
            || (config.keyFile() != null && !config.keyFile().isBlank());
    if (configured) {
      try {
        cipher =
            SecretKeys.cipher(
                config.key(),
                config.keyFile(),
                "gatehouse.semanager.secrets",
                environment.getActiveNames().contains("local"));
      } catch (SecretKeys.InvalidSecretKeyException e) {
        throw new ConfigurationException(e.getMessage(), e);
      }
    } else {
      log.info(
          "no gatehouse.semanager.secrets key: SSH keys cannot be stored (only the SSH driver"
              + " needs them)");
    }
    return new SshKeyStore(dataSource, cipher);
  }
}
