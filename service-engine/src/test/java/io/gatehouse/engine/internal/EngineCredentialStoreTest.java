package io.gatehouse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.semanager.v1.EngineCredential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCredentialStoreTest {
  @TempDir Path state;

  private static EngineCredential session(String token, Instant expires) {
    return EngineCredential.newBuilder()
        .setToken(token)
        .setExpireTime(Timestamp.newBuilder().setSeconds(expires.getEpochSecond()))
        .build();
  }

  @Test
  void aKeptSessionCredentialOutlivesARestartAndIsPrivate() throws Exception {
    EngineCredentialStore store = new EngineCredentialStore("deployed", state, Clock.systemUTC());
    assertThat(store.token()).isEqualTo("deployed");

    store.update(session("session-1", Instant.now().plusSeconds(3600)));

    assertThat(store.token()).isEqualTo("session-1");
    assertThat(new EngineCredentialStore("deployed", state, Clock.systemUTC()).token())
        .isEqualTo("session-1");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("credential"))))
        .isEqualTo("rw-------");
  }

  @Test
  void anExpiredSessionCredentialGivesWayToTheDeployedOne() {
    EngineCredentialStore store = new EngineCredentialStore("deployed", state, Clock.systemUTC());
    store.update(session("old", Instant.now().minusSeconds(1)));

    assertThat(store.token()).isEqualTo("deployed");
  }

  @Test
  void aRefusedSessionCredentialIsDroppedForTheDeployedOneAlsoAfterARestart() {
    EngineCredentialStore store = new EngineCredentialStore("deployed", state, Clock.systemUTC());
    store.update(session("revoked", Instant.now().plusSeconds(3600)));

    store.refused();

    assertThat(store.token()).isEqualTo("deployed");
    assertThat(Files.exists(state.resolve("credential"))).isFalse();
    assertThat(new EngineCredentialStore("redeployed", state, Clock.systemUTC()).token())
        .isEqualTo("redeployed");
  }
}
