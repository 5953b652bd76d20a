package io.gatehouse.policy.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gatehouse.api.policy.v1.ChangeType;
import io.gatehouse.api.policy.v1.ObjectChange;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.PolicyObject;

/** One entry of the change log, as stored. */
public record Change(long revision, ObjectKind kind, ChangeType type, byte[] object) {
  /** The change as the Watch API sends it. */
  public ObjectChange toProto() {
    try {
      return ObjectChange.newBuilder()
          .setRevision(revision)
          .setType(type)
          .setObject(PolicyObject.parseFrom(object))
          .build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored change " + revision + " does not parse", e);
    }
  }
}
