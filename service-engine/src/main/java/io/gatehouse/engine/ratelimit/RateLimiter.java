package io.gatehouse.engine.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.engine.config.RateLimitConfig;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One virtual service's limits on one engine: its connection and request buckets, the per-client
 * ones (in a table of at most {@code clients} addresses: beyond it the least used are forgotten, so
 * spoofed addresses cost no memory beyond it), and its count of open connections.
 */
public final class RateLimiter {
  /** Why a connection or request was turned away. */
  public enum Verdict {
    /** Within every limit. */
    ADMITTED,
    /** The service had as many open connections as it may. */
    SERVICE_FULL,
    /** The service's connection or request rate. */
    SERVICE_RATE,
    /** The client address's connection or request rate. */
    CLIENT_RATE
  }

  /** A service without limits. */
  public static final RateLimiter NONE = new RateLimiter(RateLimitConfig.NONE, 1, System::nanoTime);

  private final RateLimitConfig config;
  private final LongSupplier clock;
  private final Gcra connections;
  private final Gcra requests;
  private final Cache<InetAddress, Gcra> clientConnections;
  private final Cache<InetAddress, Gcra> clientRequests;
  private final AtomicInteger open = new AtomicInteger();

  /**
   * @param config the limits
   * @param clients most client addresses tracked for each per-client rate
   * @param clock nanoseconds, as {@link System#nanoTime()}
   */
  public RateLimiter(RateLimitConfig config, int clients, LongSupplier clock) {
    this.config = config;
    this.clock = clock;
    long now = clock.getAsLong();
    this.connections = bucket(config.connectionsPerSecond(), config.burst(), now);
    this.requests = bucket(config.requestsPerSecond(), config.burst(), now);
    this.clientConnections = config.clientConnectionsPerSecond() > 0 ? table(clients) : null;
    this.clientRequests = config.clientRequestsPerSecond() > 0 ? table(clients) : null;
  }

  public RateLimitConfig config() {
    return config;
  }

  /**
   * Whether a new TCP or HTTP connection from {@code client} may open; an admitted one must be
   * {@link #closed} when it ends.
   */
  public Verdict connectionOpened(InetAddress client) {
    boolean counted = config.maxConcurrentConnections() > 0;
    if (counted && open.incrementAndGet() > config.maxConcurrentConnections()) {
      open.decrementAndGet();
      return Verdict.SERVICE_FULL;
    }
    Verdict verdict = sessionOpened(client);
    if (verdict != Verdict.ADMITTED && counted) {
      open.decrementAndGet();
    }
    return verdict;
  }

  /** Whether a new UDP session from {@code client} may start (sessions are not counted). */
  public Verdict sessionOpened(InetAddress client) {
    return take(connections, clientConnections, config.clientConnectionsPerSecond(), client);
  }

  /** A connection {@link #connectionOpened} admitted ended. */
  public void closed() {
    if (config.maxConcurrentConnections() > 0) {
      open.decrementAndGet();
    }
  }

  /** Whether an HTTP request from {@code client} may be served. */
  public Verdict request(InetAddress client) {
    return take(requests, clientRequests, config.clientRequestsPerSecond(), client);
  }

  private Verdict take(
      Gcra service, Cache<InetAddress, Gcra> perClient, int clientRate, InetAddress client) {
    if (service == null && perClient == null) {
      return Verdict.ADMITTED; // no rate of this kind: no clock read, no lookup
    }
    long now = clock.getAsLong();
    if (perClient != null && client != null) {
      Gcra bucket = perClient.get(client, c -> new Gcra(clientRate, config.burst(), now));
      if (!bucket.tryAcquire(now)) {
        return Verdict.CLIENT_RATE;
      }
    }
    if (service != null && !service.tryAcquire(now)) {
      return Verdict.SERVICE_RATE;
    }
    return Verdict.ADMITTED;
  }

  private static Gcra bucket(int perSecond, int burst, long now) {
    return perSecond > 0 ? new Gcra(perSecond, burst, now) : null;
  }

  private static Cache<InetAddress, Gcra> table(int clients) {
    return Caffeine.newBuilder().maximumSize(clients).executor(Runnable::run).build();
  }

  /** Finishes pending evictions now (they run as the tables are used otherwise). */
  void cleanUp() {
    if (clientConnections != null) {
      clientConnections.cleanUp();
    }
    if (clientRequests != null) {
      clientRequests.cleanUp();
    }
  }

  /** Client addresses tracked now, over both per-client rates (an estimate, for metrics). */
  public long trackedClients() {
    return (clientConnections == null ? 0 : clientConnections.estimatedSize())
        + (clientRequests == null ? 0 : clientRequests.estimatedSize());
  }
}
