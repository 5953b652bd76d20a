package io.gatehouse.engine.analytics;

import io.gatehouse.api.analytics.v1.Significance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded, lock-free buffer of client logs between the event loops and the Report stream.
 * Significant requests (errors, slow ones) are always wanted; every request when full logs are on.
 * A full buffer drops the log and counts the drop: traffic never waits for analytics.
 */
public final class ClientLogBuffer implements ClientLogs {
  /** Which requests are logged. */
  public enum Mode {
    /** None. */
    OFF,
    /** Errors and slow requests, and every request of services whose analytics policy asks. */
    SIGNIFICANT,
    /** Every request. */
    ALL
  }

  private final Mode mode;
  private final long slowNanos;
  private final int capacity;
  private final Queue<byte[]> logs = new ConcurrentLinkedQueue<>(); // ClientLog, wire form
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong droppedTotal = new AtomicLong();

  public ClientLogBuffer(Mode mode, Duration slow, int capacity) {
    this.mode = mode;
    this.slowNanos = slow.toNanos();
    this.capacity = capacity;
  }

  @Override
  public boolean wants(boolean fullLogs, long slowNanos, int status, long totalNanos) {
    return switch (mode) {
      case OFF -> false;
      case ALL -> true;
      case SIGNIFICANT ->
          fullLogs
              || significance(status, totalNanos, slowNanos)
                  != Significance.SIGNIFICANCE_UNSPECIFIED;
    };
  }

  @Override
  public boolean wantsConnection(boolean fullLogs, boolean failed) {
    return switch (mode) {
      case OFF -> false;
      case ALL -> true;
      case SIGNIFICANT -> fullLogs || failed;
    };
  }

  @Override
  public Significance significance(int status, long totalNanos, long slowNanos) {
    if (status >= 500) {
      return Significance.SIGNIFICANCE_SERVER_ERROR;
    }
    if (status >= 400) {
      return Significance.SIGNIFICANCE_CLIENT_ERROR;
    }
    if (totalNanos >= (slowNanos > 0 ? slowNanos : this.slowNanos)) {
      return Significance.SIGNIFICANCE_SLOW;
    }
    return Significance.SIGNIFICANCE_UNSPECIFIED;
  }

  @Override
  public void add(ClientLogRecord log) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      droppedTotal.incrementAndGet();
      return;
    }
    logs.add(log.encode());
  }

  /** Takes up to {@code max} logs, oldest first, each in the wire form of a ClientLog. */
  public List<byte[]> drain(int max) {
    List<byte[]> taken = new ArrayList<>(Math.min(max, size.get()));
    byte[] log;
    while (taken.size() < max && (log = logs.poll()) != null) {
      size.decrementAndGet();
      taken.add(log);
    }
    return taken;
  }

  /** Logs dropped since start. */
  public long droppedTotal() {
    return droppedTotal.get();
  }

  /** Drops everything buffered (no credits to send it), counting it. */
  public void dropAll() {
    while (logs.poll() != null) {
      size.decrementAndGet();
      droppedTotal.incrementAndGet();
    }
  }
}
