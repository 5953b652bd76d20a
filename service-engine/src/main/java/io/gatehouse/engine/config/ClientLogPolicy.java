package io.gatehouse.engine.config;

import java.time.Duration;
import java.time.Instant;

/**
 * Which requests of a virtual service get a client log, beyond errors and slow ones: every request
 * while full logs are on; what counts as slow; and whether a log names its client.
 *
 * @param full whether every request is logged
 * @param fullUntil when full logs end; null: they do not
 * @param significantLatency requests at least this slow are significant; null: the engine's default
 *     (1 s)
 * @param clientDetails whether a log names the client (its address and user agent): not under the
 *     analytics policy's client insights NO_INSIGHTS, which keeps counters and timings only
 */
public record ClientLogPolicy(
    boolean full, Instant fullUntil, Duration significantLatency, boolean clientDetails) {
  /** Errors and slow requests by the engine's measure. */
  public static final ClientLogPolicy SIGNIFICANT = new ClientLogPolicy(false, null, null);

  /** Logs that name their clients. */
  public ClientLogPolicy(boolean full, Instant fullUntil, Duration significantLatency) {
    this(full, fullUntil, significantLatency, true);
  }

  /** Whether every request is logged at {@code epochMillis}. */
  public boolean fullAt(long epochMillis) {
    return full && (fullUntil == null || epochMillis < fullUntil.toEpochMilli());
  }

  /**
   * Whether every request is logged now; the clock is read only when full logs are on and end (the
   * request path asks this of every request).
   */
  public boolean fullNow() {
    return full && (fullUntil == null || fullAt(System.currentTimeMillis()));
  }

  /** The slow threshold in nanoseconds; 0 for the engine's default. */
  public long significantNanos() {
    return significantLatency == null ? 0 : significantLatency.toNanos();
  }
}
