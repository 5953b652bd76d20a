package io.gatehouse.engine.timing;

import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every period (a second by default) takes the interval histograms of every virtual service and
 * pool member, which also keeps their running totals for {@code /metrics}, and hands the interval
 * to its listeners (the analytics stream). It runs on a thread of its own: traffic never waits for
 * it, and it never waits for a listener's network.
 */
public final class TimingCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TimingCollector.class);

  /**
   * The timing of one period, in microseconds per component.
   *
   * @param end when the period ended
   * @param services by virtual service name
   * @param members by "pool/member id"
   */
  public record Interval(
      Instant end, Map<String, Histogram[]> services, Map<String, Histogram[]> members) {}

  private final Supplier<Collection<VirtualService>> services;
  private final Supplier<Collection<Pool>> pools;
  private final Clock clock;
  private final List<Consumer<Interval>> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "se-timing");
            t.setDaemon(true);
            return t;
          });

  public TimingCollector(
      Supplier<Collection<VirtualService>> services,
      Supplier<Collection<Pool>> pools,
      Duration period,
      Clock clock) {
    this.services = services;
    this.pools = pools;
    this.clock = clock;
    long every = period.toNanos();
    timer.scheduleAtFixedRate(this::tick, every, every, TimeUnit.NANOSECONDS);
  }

  /** {@code listener} hears every interval from now on, on the collector's thread. */
  public void addListener(Consumer<Interval> listener) {
    listeners.add(listener);
  }

  private void tick() {
    try {
      collect();
    } catch (RuntimeException e) {
      // a periodic task that throws is never run again: log, and keep collecting
      log.error("collecting request timings failed", e);
    }
  }

  /** Takes one interval now (also what the timer does every period). */
  public synchronized Interval collect() {
    Map<String, Histogram[]> byService = new LinkedHashMap<>();
    for (VirtualService vs : services.get()) {
      byService.put(vs.name(), vs.timings().interval());
    }
    Map<String, Histogram[]> byMember = new LinkedHashMap<>();
    for (Pool pool : pools.get()) {
      for (Endpoint member : pool.members()) {
        byMember.put(pool.name() + "/" + member.id(), member.timings().interval());
      }
    }
    Interval interval = new Interval(clock.instant(), byService, byMember);
    for (Consumer<Interval> listener : listeners) {
      try {
        listener.accept(interval);
      } catch (RuntimeException e) {
        log.warn("a timing listener failed: {}", e.toString());
      }
    }
    return interval;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
