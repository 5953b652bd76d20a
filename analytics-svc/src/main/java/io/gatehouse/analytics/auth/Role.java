package io.gatehouse.analytics.auth;

import io.gatehouse.common.auth.BearerTokenInterceptor;

/** What a caller of analytics-svc may do. */
public enum Role {
  /** A person or tool: queries. */
  OPERATOR,
  /** A service engine: its Report stream. */
  SERVICE_ENGINE;

  /** The role of the caller of the call this thread is serving. */
  public static Role current() {
    return BearerTokenInterceptor.currentRole(Role.class);
  }
}
