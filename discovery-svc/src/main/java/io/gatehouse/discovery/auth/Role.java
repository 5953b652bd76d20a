package io.gatehouse.discovery.auth;

import io.gatehouse.common.auth.BearerTokenInterceptor;

/** What a caller of discovery-svc may do. */
public enum Role {
  /** A person or tool: everything. */
  OPERATOR,
  /** se-manager-svc: reads and watches apps and nodes. */
  SE_MANAGER,
  /** analytics-svc: reads, and scales apps for the autoscaler. */
  ANALYTICS;

  /** Whether this role may change an app's instance count. */
  public boolean mayScale() {
    return this != SE_MANAGER;
  }

  /** The role of the caller of the call this thread is serving. */
  public static Role current() {
    return BearerTokenInterceptor.currentRole(Role.class);
  }
}
