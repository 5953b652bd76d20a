package io.gatehouse.common.identity;

import java.time.Instant;
import java.util.Map;

/**
 * The engines whose earlier credentials no longer count: a credential naming an engine here and
 * issued before its instant is revoked. Group credentials (no engine id) are not revoked per
 * engine.
 *
 * @param revokedBefore by engine id, the instant before which its credentials are revoked
 */
public record Revocations(Map<String, Instant> revokedBefore) {
  /** No revocation. */
  public static final Revocations NONE = new Revocations(Map.of());

  public Revocations {
    revokedBefore = Map.copyOf(revokedBefore);
  }

  /** Whether {@code identity}'s credential is revoked. */
  public boolean revokes(EngineIdentity identity) {
    if (identity.seId() == null) {
      return false;
    }
    Instant before = revokedBefore.get(identity.seId());
    return before != null && identity.issuedAt().isBefore(before);
  }
}
