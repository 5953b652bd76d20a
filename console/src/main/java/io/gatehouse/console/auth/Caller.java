package io.gatehouse.console.auth;

import io.gatehouse.console.accounts.Role;

/**
 * Who made a request: an account and its role, by a browser session (whose writes must bring its
 * CSRF token) or by an API token.
 */
public record Caller(String account, Role role, String sessionCsrf) {
  /** The request attribute a caller is kept in. */
  public static final String ATTRIBUTE = "gatehouse.caller";

  /** Whether the caller came with a browser session (rather than an API token). */
  public boolean bySession() {
    return sessionCsrf != null;
  }
}
