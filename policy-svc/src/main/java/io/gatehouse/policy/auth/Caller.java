package io.gatehouse.policy.auth;

import io.grpc.Context;

/** The authenticated caller of the current gRPC call. */
public record Caller(Role role) {
  static final Context.Key<Caller> CONTEXT_KEY = Context.key("gatehouse-policy-caller");

  /** The caller of the call this thread is serving. */
  public static Caller current() {
    Caller caller = CONTEXT_KEY.get();
    if (caller == null) {
      throw new IllegalStateException("no authenticated caller in this context");
    }
    return caller;
  }
}
