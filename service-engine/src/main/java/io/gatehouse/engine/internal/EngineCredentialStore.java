package io.gatehouse.engine.internal;

import io.gatehouse.api.semanager.v1.EngineCredential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token the engine calls the control plane with: the session credential se-manager-svc
 * last sent while it is valid, else the one the engine was deployed with. Session credentials are
 * kept in {@code <state-dir>/credential} (mode 600, replaced whole), so an engine that restarts
 * within one's lifetime connects with it. Tokens are never logged.
 */
public final class EngineCredentialStore {
  private static final Logger log = LoggerFactory.getLogger(EngineCredentialStore.class);
  private static final String FILE = "credential";

  private final String deployed;
  private final Path stateDir;
  private final Clock clock;
  private volatile EngineCredential session;

  /**
   * @param deployed the token the engine was deployed with; null: none
   * @param stateDir where the session credential is kept; null: in memory only
   */
  public EngineCredentialStore(String deployed, Path stateDir, Clock clock) {
    this.deployed = deployed;
    this.stateDir = stateDir;
    this.clock = clock;
    this.session = load();
  }

  /** A store of one fixed token (or none): for engines and tests without credentials. */
  public static EngineCredentialStore of(String token) {
    return new EngineCredentialStore(token, null, Clock.systemUTC());
  }

  /** The token to call with now; null when there is none. */
  public String token() {
    EngineCredential current = session;
    return current != null && valid(current) ? current.getToken() : deployed;
  }

  /** Takes a session credential from se-manager-svc and keeps it. */
  public void update(EngineCredential credential) {
    session = credential;
    if (stateDir == null) {
      return;
    }
    try {
      Files.createDirectories(stateDir);
      Path temporary =
          Files.createTempFile(
              stateDir,
              ".credential",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.write(temporary, credential.toByteArray());
        Files.move(
            temporary,
            stateDir.resolve(FILE),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      log.warn("could not keep the session credential in {}: {}", stateDir, e.getMessage());
    }
  }

  /**
   * The control plane refused the token: a kept session credential is dropped (it may have been
   * revoked, e.g. a decommissioned engine deployed again), so the next call uses the deployed one.
   */
  public void refused() {
    if (session == null) {
      return;
    }
    session = null;
    log.info("the session credential was refused; the deployed credential is used from now on");
    if (stateDir != null) {
      try {
        Files.deleteIfExists(stateDir.resolve(FILE));
      } catch (IOException e) {
        log.warn("could not remove the refused session credential: {}", e.getMessage());
      }
    }
  }

  private EngineCredential load() {
    if (stateDir == null || !Files.isRegularFile(stateDir.resolve(FILE))) {
      return null;
    }
    try {
      EngineCredential kept =
          EngineCredential.parseFrom(Files.readAllBytes(stateDir.resolve(FILE)));
      return valid(kept) ? kept : null;
    } catch (IOException e) {
      log.warn("the kept session credential cannot be read; using the deployed one");
      return null;
    }
  }

  private boolean valid(EngineCredential credential) {
    Instant expires =
        Instant.ofEpochSecond(
            credential.getExpireTime().getSeconds(), credential.getExpireTime().getNanos());
    return clock.instant().isBefore(expires);
  }
}
