package io.gatehouse.policy.auth;

/** What a caller may do. */
public enum Role {
  /** A person or tool managing configuration through the API: API-owned objects only. */
  OPERATOR,
  /** discovery-svc: writes the objects derived from Marathon apps. */
  DISCOVERY,
  /** se-manager-svc: reads everything, including private keys to push to engines. */
  SE_MANAGER
}
