package io.gatehouse.policy.internal;

import com.google.rpc.Code;

/** An object with that name exists. Maps to ALREADY_EXISTS + ResourceInfo. */
public final class AlreadyExistsException extends PolicyException {
  private final ObjectRef object;

  public AlreadyExistsException(ObjectRef object) {
    super(Code.ALREADY_EXISTS, object + " already exists");
    this.object = object;
  }

  public ObjectRef object() {
    return object;
  }
}
