package io.gatehouse.semanager.driver.ssh;

import io.gatehouse.common.secret.SecretCipher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The SSH driver's keys and pinned host keys, in the manager's database. Private keys are stored
 * encrypted (OpenSSH format inside AES-256-GCM, bound to the key's name) and never leave this class
 * except as a {@link KeyPair} for a connection; without a secrets key the store refuses to hold
 * any.
 */
public final class SshKeyStore {
  /** A key's public parts. */
  public record Key(String name, String publicKey, String fingerprint) {}

  /** A request the store cannot carry out; the message says why. */
  public static final class KeyException extends Exception {
    /** Why, for the status an API answers with. */
    public enum Reason {
      INVALID,
      EXISTS,
      NOT_FOUND,
      NO_SECRETS_KEY
    }

    private final Reason reason;
    private final String field;

    KeyException(Reason reason, String field, String message) {
      super(field == null ? message : field + ": " + message);
      this.reason = reason;
      this.field = field;
    }

    public Reason reason() {
      return reason;
    }

    /** The request field at fault, or null. */
    public String field() {
      return field;
    }

    /** The message without the field. */
    public String description() {
      return field == null ? getMessage() : getMessage().substring(field.length() + 2);
    }
  }

  /** A database failure, unchecked. */
  public static final class StoreException extends RuntimeException {
    StoreException(SQLException cause) {
      super("ssh key store: " + cause.getMessage(), cause);
    }
  }

  private final DataSource dataSource;
  private final SecretCipher cipher;

  /**
   * @param cipher encrypts private keys; null when no secrets key is configured
   */
  public SshKeyStore(DataSource dataSource, SecretCipher cipher) {
    this.dataSource = dataSource;
    this.cipher = cipher;
  }

  /** Generates a key pair: "ed25519" (default), "ecdsa-p256" or "rsa-3072". */
  public Key generate(String name, String algorithm) throws KeyException {
    KeyPair pair;
    try {
      pair =
          switch (algorithm.isEmpty() ? "ed25519" : algorithm) {
            case "ed25519" -> KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
            case "ecdsa-p256" -> KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
            case "rsa-3072" -> KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 3072);
            default ->
                throw new KeyException(
                    KeyException.Reason.INVALID,
                    "algorithm",
                    algorithm + " is not one of ed25519, ecdsa-p256, rsa-3072");
          };
    } catch (GeneralSecurityException e) {
      throw new KeyException(
          KeyException.Reason.INVALID,
          "algorithm",
          algorithm + " is not available: " + e.getMessage());
    }
    return store(name, pair);
  }

  /** Stores an existing private key (OpenSSH or PEM, without a passphrase). */
  public Key importKey(String name, String privateKey) throws KeyException {
    return store(name, parse(privateKey, "private_key"));
  }

  /** Every key's public parts, by name. */
  public List<Key> list() {
    return query(
        c -> {
          try (PreparedStatement st =
                  c.prepareStatement(
                      "SELECT name, public_key, fingerprint FROM ssh_key ORDER BY name");
              ResultSet rs = st.executeQuery()) {
            List<Key> keys = new ArrayList<>();
            while (rs.next()) {
              keys.add(new Key(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
            return keys;
          }
        });
  }

  /** Deletes a key; false when there was none of that name. */
  public boolean delete(String name) {
    return query(
        c -> {
          try (PreparedStatement st = c.prepareStatement("DELETE FROM ssh_key WHERE name = ?")) {
            st.setString(1, name);
            return st.executeUpdate() > 0;
          }
        });
  }

  /** The key pair of {@code name}, for a connection. */
  public KeyPair keyPair(String name) throws KeyException {
    byte[] sealed =
        query(
            c -> {
              try (PreparedStatement st =
                  c.prepareStatement("SELECT private_key FROM ssh_key WHERE name = ?")) {
                st.setString(1, name);
                try (ResultSet rs = st.executeQuery()) {
                  return rs.next() ? rs.getBytes(1) : null;
                }
              }
            });
    if (sealed == null) {
      throw new KeyException(
          KeyException.Reason.NOT_FOUND,
          null,
          "ssh key " + name + " does not exist: import or generate it (ServiceEngineAdmin)");
    }
    return parse(cipher().decrypt(sealed, context(name)), "stored key " + name);
  }

  /** The host key pinned for {@code hostPort}, as an OpenSSH public key line. */
  public Optional<String> pinnedHostKey(String hostPort) {
    return query(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement("SELECT public_key FROM ssh_known_host WHERE host_port = ?")) {
            st.setString(1, hostPort);
            try (ResultSet rs = st.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }

  /** Pins {@code key} for {@code hostPort} unless a key is pinned already. */
  public void pin(String hostPort, PublicKey key) {
    query(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement(
                  "INSERT INTO ssh_known_host (host_port, public_key, fingerprint)"
                      + " VALUES (?, ?, ?) ON CONFLICT (host_port) DO NOTHING")) {
            st.setString(1, hostPort);
            st.setString(2, PublicKeyEntry.toString(key));
            st.setString(3, KeyUtils.getFingerPrint(key));
            return st.executeUpdate();
          }
        });
  }

  private Key store(String name, KeyPair pair) throws KeyException {
    if (name.isBlank() || !name.matches("[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}")) {
      throw new KeyException(
          KeyException.Reason.INVALID,
          "name",
          "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    ByteArrayOutputStream openssh = new ByteArrayOutputStream();
    try {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "gatehouse", null, openssh);
    } catch (IOException | GeneralSecurityException e) {
      throw new KeyException(
          KeyException.Reason.INVALID,
          "private_key",
          "cannot be written in OpenSSH format: " + e.getMessage());
    }
    byte[] sealed = cipher().encrypt(openssh.toString(StandardCharsets.UTF_8), context(name));
    Key key =
        new Key(
            name,
            PublicKeyEntry.toString(pair.getPublic()) + " gatehouse",
            KeyUtils.getFingerPrint(pair.getPublic()));
    boolean inserted =
        query(
            c -> {
              try (PreparedStatement st =
                  c.prepareStatement(
                      "INSERT INTO ssh_key (name, public_key, fingerprint, private_key)"
                          + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
                st.setString(1, key.name());
                st.setString(2, key.publicKey());
                st.setString(3, key.fingerprint());
                st.setBytes(4, sealed);
                return st.executeUpdate() > 0;
              }
            });
    if (!inserted) {
      throw new KeyException(
          KeyException.Reason.EXISTS, null, "ssh key " + name + " exists already; delete it first");
    }
    return key;
  }

  private static KeyPair parse(String text, String field) throws KeyException {
    try {
      Iterable<KeyPair> pairs =
          SecurityUtils.loadKeyPairIdentities(
              null,
              NamedResource.ofName(field),
              new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
              null);
      Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
      if (it == null || !it.hasNext()) {
        throw new KeyException(
            KeyException.Reason.INVALID,
            field,
            "no private key found (OpenSSH or PEM format expected)");
      }
      return it.next();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new KeyException(
          KeyException.Reason.INVALID,
          field,
          "not a private key without passphrase in OpenSSH or PEM format");
    }
  }

  private SecretCipher cipher() throws KeyException {
    if (cipher == null) {
      throw new KeyException(
          KeyException.Reason.NO_SECRETS_KEY,
          null,
          "no secrets key: set gatehouse.semanager.secrets.key (base64 of 32 random bytes) or"
              + " gatehouse.semanager.secrets.key-file to store SSH keys");
    }
    return cipher;
  }

  private static String context(String name) {
    return "ssh-key/" + name;
  }

  @FunctionalInterface
  private interface Work<R> {
    R run(Connection connection) throws SQLException;
  }

  private <R> R query(Work<R> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }
}
