package io.gatehouse.common.identity;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The engine a verified credential names.
 *
 * @param seId the engine's id; null for a group credential (any engine of the group, by id
 *     "{group}@{hostname}": what a Marathon app's engines share)
 * @param group its SE group
 * @param use what the credential is for
 * @param credentialId the credential's own id (for logs, never the token)
 * @param issuedAt when it was issued (to the millisecond)
 * @param expiresAt when it stops being accepted
 */
public record EngineIdentity(
    String seId, String group, Use use, String credentialId, Instant issuedAt, Instant expiresAt) {

  /** What an engine id may be ("group@host"): names, addresses and a few separators, bounded. */
  public static final Pattern SE_ID = Pattern.compile("[A-Za-z0-9@._:%-]{1,300}");

  /** How {@link #SE_ID} reads in an error message. */
  public static final String SE_ID_RULE = "is 1 to 300 of A-Z a-z 0-9 @ . _ : % -";

  /** What a credential is for. */
  public enum Use {
    /** Given at deployment: opens the engine's first control stream. */
    DEPLOY,
    /**
     * Given at deployment where others may read it (a Fleet unit): as {@link #DEPLOY}, but it opens
     * one control stream only, once.
     */
    ENROLL,
    /** Given over the control stream, renewed there: every call from then on. */
    SESSION
  }

  /** Whether an engine of id {@code claimedSeId} in group {@code claimedGroup} may say so. */
  public boolean names(String claimedSeId, String claimedGroup) {
    if (!group.equals(claimedGroup)) {
      return false;
    }
    return seId == null ? claimedSeId.startsWith(group + "@") : seId.equals(claimedSeId);
  }
}
