package io.gatehouse.common.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.pki.LocalAuthority;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCredentialsTest {
  private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

  @TempDir Path folder;

  private EngineCredentials signing(String name, Instant at) {
    LocalAuthority.SigningKeys keys = LocalAuthority.in(folder).signingKeys(name);
    return EngineCredentials.signing(
        keys.privateKey(), keys.publicKey(), Clock.fixed(at, ZoneOffset.UTC));
  }

  private EngineCredentials verifying(String name, Instant at) {
    return EngineCredentials.verifying(
        LocalAuthority.in(folder).signingKeys(name).publicKey(), Clock.fixed(at, ZoneOffset.UTC));
  }

  @Test
  void aCredentialNamesItsEngineAndGroupUntilItExpires() {
    String token =
        signing("engines", NOW)
            .issue("east@node-1", "east", EngineIdentity.Use.SESSION, Duration.ofHours(1));

    EngineIdentity identity =
        verifying("engines", NOW.plusSeconds(3599)).verify(token).orElseThrow();
    assertThat(identity.seId()).isEqualTo("east@node-1");
    assertThat(identity.group()).isEqualTo("east");
    assertThat(identity.use()).isEqualTo(EngineIdentity.Use.SESSION);
    assertThat(identity.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    assertThat(identity.names("east@node-1", "east")).isTrue();
    assertThat(identity.names("east@node-2", "east")).isFalse();
    assertThat(identity.names("east@node-1", "west")).isFalse();

    assertThat(verifying("engines", NOW.plusSeconds(3600)).verify(token)).isEmpty();
  }

  @Test
  void aTamperedForgedOrForeignCredentialNamesNobody() {
    String token =
        signing("engines", NOW)
            .issue("east@node-1", "east", EngineIdentity.Use.SESSION, Duration.ofHours(1));
    String[] parts = token.split("\\.");
    String claims =
        new String(Base64.getUrlDecoder().decode(parts[1])).replace("east@node-1", "west@node-9");
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes())
            + "."
            + parts[2];
    String unsigned = parts[0].replace(parts[0], "eyJhbGciOiJub25lIn0") + "." + parts[1] + ".";
    String otherKey =
        signing("someone-else", NOW)
            .issue("east@node-1", "east", EngineIdentity.Use.SESSION, Duration.ofHours(1));

    EngineCredentials verifier = verifying("engines", NOW);
    assertThat(verifier.verify(tampered)).isEmpty();
    assertThat(verifier.verify(unsigned)).isEmpty();
    assertThat(verifier.verify(otherKey)).isEmpty();
    assertThat(verifier.verify("test-engine-token-0001")).isEmpty();
    assertThat(verifier.verify("a.b.c")).isEmpty();
    assertThat(verifier.verify("x".repeat(100_000))).isEmpty();
  }

  @Test
  void aGroupCredentialNamesAnyEngineOfItsGroupAndOnlyDeploys() {
    String token = signing("engines", NOW).issueForGroup("east", Duration.ofDays(1));

    EngineIdentity identity = verifying("engines", NOW).verify(token).orElseThrow();
    assertThat(identity.seId()).isNull();
    assertThat(identity.use()).isEqualTo(EngineIdentity.Use.DEPLOY);
    assertThat(identity.names("east@node-7", "east")).isTrue();
    assertThat(identity.names("west@node-7", "east")).isFalse();
    assertThat(identity.names("eastern@node-7", "east")).isFalse();
  }
}
