package io.gatehouse.engine.pool;

import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.internal.LogText;
import io.gatehouse.engine.tls.MemberTls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool as traffic sees it: its members and balancer, swapped as one when its configuration
 * changes, so a request sees either the old members or the new, never a mix. Members that stay keep
 * their state (in-flight counts, health).
 */
public final class Pool {
  private static final Logger log = LoggerFactory.getLogger(Pool.class);

  private record State(
      PoolConfig config, List<Endpoint> members, LoadBalancer balancer, MemberTls tls) {}

  private final String name;
  private final java.util.concurrent.atomic.AtomicLong picks =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile State state;
  private volatile Pool abPool; // the B pool of its configuration, once every pool exists

  public Pool(PoolConfig config) {
    this(config, null);
  }

  /** A pool whose members are spoken to over {@code tls} (null: in clear). */
  public Pool(PoolConfig config, MemberTls tls) {
    this.name = config.name();
    this.state = build(config, Map.of(), tls);
  }

  public String name() {
    return name;
  }

  /**
   * Replaces the configuration; members with the same address and weight are kept.
   *
   * @return the members that left: they get no new requests, and finish those in hand
   */
  public List<Endpoint> update(PoolConfig config) {
    return update(config, null);
  }

  /** As {@link #update(PoolConfig)}, the members spoken to over {@code tls} (null: in clear). */
  public List<Endpoint> update(PoolConfig config, MemberTls tls) {
    Map<String, Endpoint> kept = new HashMap<>();
    state.members().forEach(e -> kept.put(e.id(), e));
    State next = build(config, kept, tls);
    List<Endpoint> left = new ArrayList<>(state.members());
    left.removeIf(e -> next.members().stream().anyMatch(m -> m.address().equals(e.address())));
    state = next;
    return left;
  }

  /** Sends the configured share of new traffic to {@code b} (null: none) from now on. */
  public void useAbPool(Pool b) {
    this.abPool = b;
  }

  /**
   * The pool a new request or connection from {@code client} goes to: this one, or its B pool for
   * its share — chosen by the client's address when sticky, else exactly the share of every 100
   * picks, spread evenly.
   */
  public Pool side(java.net.InetAddress client) {
    Pool b = abPool;
    io.gatehouse.engine.config.AbPoolConfig ab = state.config().abPool();
    if (b == null || ab == null || ab.percent() == 0) {
      return this;
    }
    long slot;
    if (ab.sticky() && client != null) {
      slot = Math.floorMod(java.util.Arrays.hashCode(client.getAddress()) * 0x9E3779B9L, 100);
      return slot < ab.percent() ? b : this;
    }
    long n = picks.getAndIncrement();
    // B when the running share of B crosses a whole request: exactly percent of each 100
    return (n + 1) * ab.percent() / 100 > n * ab.percent() / 100 ? b : this;
  }

  /** How long a member that left keeps its in-flight requests. */
  public java.time.Duration drainingTimeout() {
    return state.config().drainingTimeout();
  }

  /** Whether a member at {@code address} serves in this pool now. */
  public boolean serves(java.net.InetSocketAddress address) {
    return state.members().stream().anyMatch(m -> m.address().equals(address));
  }

  private static State build(PoolConfig config, Map<String, Endpoint> existing, MemberTls tls) {
    List<Endpoint> members = new ArrayList<>();
    for (EndpointConfig endpoint : config.endpoints()) {
      Endpoint fresh = new Endpoint(endpoint);
      Endpoint old = existing.get(endpoint.id());
      members.add(old != null && old.sameAs(fresh) ? old : fresh);
    }
    List<Endpoint> frozen = List.copyOf(members);
    return new State(config, frozen, LoadBalancer.of(config.algorithm(), frozen), tls);
  }

  /** The member for the next request or connection; null when none is up. */
  public Endpoint pick() {
    return state.balancer().pick(null, Set.of());
  }

  /** As {@link #pick()}, avoiding members that already failed this request. */
  public Endpoint pick(Set<Endpoint> exclude) {
    return state.balancer().pick(null, exclude);
  }

  /**
   * As {@link #pick(Set)}, with the key a consistent-hash pool hashes (the client address or the
   * configured header's value).
   */
  public Endpoint pick(CharSequence key, Set<Endpoint> exclude) {
    return state.balancer().pick(key, exclude);
  }

  /** The request header a consistent-hash pool hashes; null for the client address. */
  public String hashHeader() {
    return state.config().hashHeader();
  }

  /** A connection to {@code member} failed; enough in a row eject it (passive health). */
  public void connectFailed(Endpoint member) {
    connectFailed(member, null);
  }

  /**
   * As {@link #connectFailed(Endpoint)}, saying why when the member is ejected (a refused
   * connection, a certificate that does not verify).
   */
  public void connectFailed(Endpoint member, Throwable cause) {
    PoolConfig config = state.config();
    if (member.connectFailed(config.ejectAfter(), config.ejectFor().toNanos())) {
      log.warn(
          "pool {}: member {} ejected for {} after {} connection failures in a row{}",
          name,
          member.id(),
          config.ejectFor(),
          config.ejectAfter(),
          cause == null ? "" : " (the last: " + reason(cause) + ")");
    }
  }

  /** The innermost message of {@code cause}, on one line: what an operator can act on. */
  private static String reason(Throwable cause) {
    Throwable inner = cause;
    while (inner.getCause() != null && inner.getCause() != inner) {
      inner = inner.getCause();
    }
    String message =
        inner.getMessage() == null ? inner.getClass().getSimpleName() : inner.getMessage();
    return LogText.printable(message, 300); // a member's words
  }

  /** {@code member} answered with {@code status}; enough 5xx in a row eject it (passive health). */
  public void answered(Endpoint member, int status) {
    PoolConfig config = state.config();
    if (member.answered(status, config.ejectAfter5xx(), config.ejectFor().toNanos())) {
      log.warn(
          "pool {}: member {} ejected for {} after {} 5xx responses in a row",
          name,
          member.id(),
          config.ejectFor(),
          config.ejectAfter5xx());
    }
  }

  public List<Endpoint> members() {
    return state.members();
  }

  /** Whether the members speak HTTP/2 (each request a stream on a shared connection). */
  public boolean multiplexed() {
    return state.config().memberProtocol().multiplexed();
  }

  /** TLS to the members; null when they are spoken to in clear. */
  public MemberTls tls() {
    return state.tls();
  }

  public Duration connectTimeout() {
    return state.config().connectTimeout();
  }

  public PoolConfig config() {
    return state.config();
  }
}
