package io.gatehouse.policy.internal;

import com.google.rpc.Code;

/** The object does not exist. Maps to NOT_FOUND + ResourceInfo. */
public final class NotFoundException extends PolicyException {
  private final ObjectRef object;

  public NotFoundException(ObjectRef object) {
    super(Code.NOT_FOUND, object + " does not exist");
    this.object = object;
  }

  public ObjectRef object() {
    return object;
  }
}
