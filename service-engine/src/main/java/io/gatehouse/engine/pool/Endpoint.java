package io.gatehouse.engine.pool;

import io.gatehouse.engine.config.EndpointConfig;
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
  private final int weight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder requests = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();
  private volatile boolean up = true;

  Endpoint(EndpointConfig config) {
    this.id = config.id();
    this.address = new InetSocketAddress(config.address(), config.port());
    this.weight = config.weight();
  }

  public String id() {
    return id;
  }

  public InetSocketAddress address() {
    return address;
  }

  public int weight() {
    return weight;
  }

  /** Whether it takes new requests (health monitors and ejection turn this off). */
  public boolean up() {
    return up;
  }

  public void setUp(boolean up) {
    this.up = up;
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

  public void connectFailed() {
    connectFailures.increment();
  }

  public long requests() {
    return requests.sum();
  }

  public long connectFailures() {
    return connectFailures.sum();
  }

  boolean sameAs(Endpoint other) {
    return id.equals(other.id) && weight == other.weight;
  }

  @Override
  public String toString() {
    return id;
  }
}
