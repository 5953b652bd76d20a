package io.gatehouse.policy.internal;

import com.google.rpc.Code;

/**
 * A failure a caller can act on. Each subclass carries the structured facts the {@link
 * StatusMapper} turns into a gRPC status with {@code google.rpc} details.
 */
public abstract class PolicyException extends RuntimeException {
  private final Code code;

  protected PolicyException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** The gRPC code this failure maps to. */
  public Code code() {
    return code;
  }
}
