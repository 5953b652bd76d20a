package io.gatehouse.semanager.auth;

import io.gatehouse.common.auth.BearerTokenInterceptor;

/** What a caller of se-manager-svc may do. */
public enum Role {
  /** A person or tool: everything. */
  OPERATOR,
  /** A service engine: its control stream. */
  SERVICE_ENGINE,
  /** Another Gatehouse service (analytics-svc): the revoked engine credentials. */
  SERVICE;

  /** The role of the caller of the call this thread is serving. */
  public static Role current() {
    return BearerTokenInterceptor.currentRole(Role.class);
  }
}
