package io.gatehouse.policy.internal;

import com.google.rpc.Code;

/**
 * A watch asked to resume from before the retained history. Maps to OUT_OF_RANGE + ErrorInfo
 * (reason REVISION_COMPACTED, metadata oldest_revision): list again, then watch from the list's
 * revision.
 */
public final class RevisionCompactedException extends PolicyException {
  private final long compactedRevision;

  public RevisionCompactedException(long requested, long compactedRevision) {
    super(
        Code.OUT_OF_RANGE,
        "revision "
            + requested
            + " is older than the retained history (it starts after "
            + compactedRevision
            + "); list again and watch from the list's revision");
    this.compactedRevision = compactedRevision;
  }

  /** Watches may resume from this revision or any later one. */
  public long oldestRevision() {
    return compactedRevision;
  }
}
