package io.gatehouse.policy.internal;

import com.google.rpc.Code;

/**
 * The caller's expected revision is stale. Maps to ABORTED + ErrorInfo (reason REVISION_MISMATCH,
 * metadata current_revision): read again, then retry.
 */
public final class RevisionMismatchException extends PolicyException {
  private final ObjectRef object;
  private final long currentRevision;

  public RevisionMismatchException(ObjectRef object, long expected, long currentRevision) {
    super(
        Code.ABORTED,
        object
            + " is at revision "
            + currentRevision
            + ", not "
            + expected
            + "; read it again and retry");
    this.object = object;
    this.currentRevision = currentRevision;
  }

  public ObjectRef object() {
    return object;
  }

  public long currentRevision() {
    return currentRevision;
  }
}
