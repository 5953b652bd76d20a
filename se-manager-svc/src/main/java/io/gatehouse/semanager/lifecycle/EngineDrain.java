package io.gatehouse.semanager.lifecycle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Orders a connected engine to drain before it is stopped. */
public interface EngineDrain {
  /** Drains nothing: engines are stopped at once. */
  EngineDrain NONE = (engine, reason, deadline) -> CompletableFuture.completedFuture(null);

  /**
   * Tells {@code engine} to take no new connections and finish those open within {@code deadline};
   * completes when it has (or at once when it is not connected), with how many were still open.
   */
  CompletableFuture<Long> drain(String engine, String reason, Duration deadline);
}
