package io.gatehouse.policy.auth;

import io.gatehouse.common.auth.BearerTokenInterceptor;

/** What a caller may do. */
public enum Role {
  /** A person or tool managing configuration through the API: API-owned objects only. */
  OPERATOR,
  /** discovery-svc: writes the objects derived from Marathon apps. */
  DISCOVERY,
  /** se-manager-svc: reads everything, including private keys to push to engines. */
  SE_MANAGER,
  /** analytics-svc: reads (autoscale policies and the pools that use them); no keys. */
  ANALYTICS;

  /** The role of the caller of the call this thread is serving. */
  public static Role current() {
    return BearerTokenInterceptor.currentRole(Role.class);
  }
}
