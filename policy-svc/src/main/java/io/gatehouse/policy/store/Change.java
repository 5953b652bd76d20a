package io.gatehouse.policy.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gatehouse.api.policy.v1.ChangeType;
import io.gatehouse.api.policy.v1.ObjectChange;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.PolicyObject;

/**
 * One entry of the change log, parsed once when read: the same immutable message is then shared by
 * every watcher that sends it.
 */
public record Change(long revision, ObjectKind kind, ObjectChange proto) {
  /** Parses a stored change. */
  static Change parse(long revision, ObjectKind kind, ChangeType type, byte[] object) {
    try {
      return new Change(
          revision,
          kind,
          ObjectChange.newBuilder()
              .setRevision(revision)
              .setType(type)
              .setObject(PolicyObject.parseFrom(object))
              .build());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored change " + revision + " does not parse", e);
    }
  }
}
