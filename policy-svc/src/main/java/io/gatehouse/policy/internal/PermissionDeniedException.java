package io.gatehouse.policy.internal;

import com.google.rpc.Code;

/** The caller is known but may not do this. Maps to PERMISSION_DENIED. */
public final class PermissionDeniedException extends PolicyException {
  public PermissionDeniedException(String message) {
    super(Code.PERMISSION_DENIED, message);
  }
}
