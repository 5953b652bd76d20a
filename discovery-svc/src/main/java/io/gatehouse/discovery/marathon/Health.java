package io.gatehouse.discovery.marathon;

/** A task's health from Marathon's health check results. */
public enum Health {
  /** The app has no health checks: the task is judged by its state alone. */
  NO_CHECKS,
  /** The app has health checks and no result has arrived yet. */
  PENDING,
  /** Every check passes. */
  HEALTHY,
  /** A check fails. */
  UNHEALTHY
}
