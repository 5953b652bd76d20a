package io.gatehouse.semanager.inventory;

/**
 * An engine's load as its last heartbeat said it (all zero before one did). The engine's words:
 * what is not a number, negative or beyond reason is stored as 0 or the bound.
 */
public record EngineLoad(
    long openConnections,
    double requestsPerSecond,
    double cpuUsed,
    long residentMemoryBytes,
    long analyticsDropped) {
  public static final EngineLoad NONE = new EngineLoad(0, 0, 0, 0, 0);

  public EngineLoad {
    openConnections = Math.max(0, openConnections);
    requestsPerSecond = bounded(requestsPerSecond, 1e9);
    cpuUsed = bounded(cpuUsed, 1e4);
    residentMemoryBytes = Math.max(0, residentMemoryBytes);
    analyticsDropped = Math.max(0, analyticsDropped);
  }

  private static double bounded(double value, double max) {
    return Double.isNaN(value) || value < 0 ? 0 : Math.min(value, max);
  }
}
