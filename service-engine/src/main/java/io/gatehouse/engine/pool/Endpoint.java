package io.gatehouse.engine.pool;

import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.timing.RequestTimings;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A pool member as traffic sees it: its address, weight, whether it takes new traffic, and what is
 * in flight to it. Its counters survive configuration changes that keep the member.
 */
public final class Endpoint {
  private final String id;
  private final InetSocketAddress address;
  private final String hostAndPort;
  private final int weight;
  private final String appId;
  private final String hostname;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder requests = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final RequestTimings timings = new RequestTimings();
  private final AtomicInteger failuresInARow = new AtomicInteger();
  private volatile boolean healthy = true;
  private volatile long ejectedUntil; // System.nanoTime(); 0 when not ejected
  private volatile double responseEwmaNanos; // 0 until the first response
  private final AtomicInteger errorsInARow = new AtomicInteger(); // 5xx responses
  // per active monitor, on the health checker's thread only: its verdict and its runs
  private boolean[] verdicts = new boolean[0];
  private int[] probeSuccesses = new int[0];
  private int[] probeFailures = new int[0];

  Endpoint(EndpointConfig config) {
    this.id = config.id();
    this.address = new InetSocketAddress(config.address(), config.port());
    this.hostAndPort = config.address() + ":" + config.port();
    this.weight = config.weight();
    this.appId = config.appId();
    this.hostname = config.hostname();
  }

  /** The member's host name, what member TLS checks when its pool names none; null if unknown. */
  public String hostname() {
    return hostname;
  }

  /** The Marathon app of the task behind this member; "" for a static server. */
  public String appId() {
    return appId;
  }

  public String id() {
    return id;
  }

  public InetSocketAddress address() {
    return address;
  }

  /** Its address as written in the configuration, "host:port" (what client logs show). */
  public String hostAndPort() {
    return hostAndPort;
  }

  public int weight() {
    return weight;
  }

  /**
   * Whether it takes new requests: its active monitor finds it healthy and it is not ejected for
   * failing connections.
   */
  public boolean up() {
    long until = ejectedUntil;
    return healthy && (until == 0 || System.nanoTime() - until >= 0);
  }

  /** What its active monitor found last (true without a monitor). */
  public boolean healthy() {
    return healthy;
  }

  /** Sets the monitor's verdict directly (tests, and a monitor that is removed). */
  public void setHealthy(boolean healthy) {
    this.healthy = healthy;
  }

  /**
   * Records a probe of monitor {@code monitor} of {@code monitors}: {@code fall} failures in a row
   * make that monitor find it down, {@code rise} successes in a row up again; it is healthy while
   * every monitor finds it up. Called by one health-checker thread. Returns whether its health
   * changed.
   */
  public boolean probed(int monitor, int monitors, boolean ok, int rise, int fall) {
    if (verdicts.length != monitors) {
      verdicts = new boolean[monitors];
      java.util.Arrays.fill(verdicts, true);
      probeSuccesses = new int[monitors];
      probeFailures = new int[monitors];
    }
    if (ok) {
      probeFailures[monitor] = 0;
      probeSuccesses[monitor]++;
      if (!verdicts[monitor] && probeSuccesses[monitor] >= rise) {
        verdicts[monitor] = true;
      }
    } else {
      probeSuccesses[monitor] = 0;
      probeFailures[monitor]++;
      if (verdicts[monitor] && probeFailures[monitor] >= fall) {
        verdicts[monitor] = false;
      }
    }
    boolean now = true;
    for (boolean verdict : verdicts) {
      now &= verdict;
    }
    boolean changed = now != healthy;
    healthy = now;
    return changed;
  }

  /** Records a probe of its only monitor (see {@link #probed(int, int, boolean, int, int)}). */
  public boolean probed(boolean ok, int rise, int fall) {
    return probed(0, 1, ok, rise, fall);
  }

  /**
   * Counts a response's status: {@code ejectAfter} 5xx in a row (0: never) take it out of rotation
   * for {@code ejectForNanos}. Returns whether this response ejected it.
   */
  public boolean answered(int status, int ejectAfter, long ejectForNanos) {
    if (status < 500) {
      if (errorsInARow.get() != 0) {
        errorsInARow.set(0);
      }
      return false;
    }
    if (ejectAfter > 0 && errorsInARow.incrementAndGet() >= ejectAfter) {
      errorsInARow.set(0);
      long until = System.nanoTime() + ejectForNanos;
      ejectedUntil = until == 0 ? 1 : until;
      return true;
    }
    return false;
  }

  /** Requests (HTTP) or connections (TCP) being served by it now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Counts a request or connection sent to it; pair with {@link #finished()}. */
  public void started() {
    inFlight.incrementAndGet();
    requests.increment();
  }

  public void finished() {
    inFlight.decrementAndGet();
  }

  /**
   * Counts a failed connection; {@code ejectAfter} in a row (0: never) take it out of rotation for
   * {@code ejectForNanos}. Returns whether this failure ejected it.
   */
  public boolean connectFailed(int ejectAfter, long ejectForNanos) {
    connectFailures.increment();
    if (ejectAfter > 0 && failuresInARow.incrementAndGet() >= ejectAfter) {
      failuresInARow.set(0);
      long until = System.nanoTime() + ejectForNanos;
      ejectedUntil = until == 0 ? 1 : until;
      return true;
    }
    return false;
  }

  /** A connection succeeded: the count towards ejection starts again. */
  public void connected() {
    if (failuresInARow.get() != 0) {
      failuresInARow.set(0);
    }
  }

  /**
   * Records a response time (request sent to first response byte) into the moving average: each
   * sample weighs a tenth, so the average follows a member that slows down within a few dozen
   * requests. Racy updates between event loops may lose a sample, which an average can afford.
   */
  public void responded(long nanos) {
    double previous = responseEwmaNanos;
    responseEwmaNanos = previous == 0 ? nanos : previous + 0.1 * (nanos - previous);
  }

  /** The moving average of response time in nanoseconds; 0 before the first response. */
  public double responseEwmaNanos() {
    return responseEwmaNanos;
  }

  /** The timing of the requests it served. */
  public RequestTimings timings() {
    return timings;
  }

  public long requests() {
    return requests.sum();
  }

  /** Counts the bytes of an L4 connection or UDP session it served, when it ends. */
  public void relayed(long fromClients, long toClients) {
    bytesIn.add(fromClients);
    bytesOut.add(toClients);
  }

  /** Bytes from clients relayed to it (L4). */
  public long bytesIn() {
    return bytesIn.sum();
  }

  /** Bytes from it relayed to clients (L4). */
  public long bytesOut() {
    return bytesOut.sum();
  }

  public long connectFailures() {
    return connectFailures.sum();
  }

  boolean sameAs(Endpoint other) {
    return id.equals(other.id)
        && weight == other.weight
        && appId.equals(other.appId)
        && java.util.Objects.equals(hostname, other.hostname);
  }

  @Override
  public String toString() {
    return id;
  }
}
