package io.gatehouse.engine.listener;

import io.gatehouse.engine.config.ClientLogPolicy;
import io.gatehouse.engine.config.RateLimitConfig;
import io.gatehouse.engine.httppolicy.HttpPolicy;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.ratelimit.RateLimiter;
import io.gatehouse.engine.security.SecurityPolicy;
import io.gatehouse.engine.timing.RequestTimings;
import io.gatehouse.engine.tls.ServerCertificates;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A virtual service as its listeners see it: the pool that serves it (swapped when the
 * configuration names another), its counters, and for a parent the children that serve some of its
 * requests. A child service has no listeners: its parent routes requests to it.
 */
public final class VirtualService {
  private final String name;
  private final ServiceStats stats = new ServiceStats();
  private final RequestTimings timings = new RequestTimings();
  private volatile Pool pool;
  private volatile SecurityPolicy security;
  private volatile ServerCertificates tls;
  private volatile VirtualHostTable children = VirtualHostTable.EMPTY;
  private volatile RateLimiter rateLimits = RateLimiter.NONE;
  private volatile boolean redirectToHttps;
  private volatile HttpPolicy httpPolicy = HttpPolicy.NONE;
  private volatile boolean retired;
  private volatile ClientLogPolicy clientLogs = ClientLogPolicy.SIGNIFICANT;
  private final java.util.Set<io.netty.channel.Channel> requestConnections =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Told to a request-by-request connection (HTTP) when its service retires. */
  public enum Retired {
    /** The one event. */
    INSTANCE
  }

  public VirtualService(String name, Pool pool) {
    this.name = name;
    this.pool = pool;
  }

  public String name() {
    return name;
  }

  public Pool pool() {
    return pool;
  }

  /** Serves new requests from {@code pool}. */
  public void usePool(Pool pool) {
    this.pool = pool;
  }

  /** The policy that decides which clients may connect; null lets everyone in. */
  public SecurityPolicy security() {
    return security;
  }

  /** Judges new connections by {@code security} from now on (null: everyone in). */
  public void useSecurity(SecurityPolicy security) {
    this.security = security;
  }

  /** Whether every request of this service gets a client log now (its analytics policy says so). */
  public boolean fullClientLogs() {
    return clientLogs.fullNow();
  }

  /** Requests at least this slow (nanoseconds) are significant; 0: the engine's default. */
  public long significantNanos() {
    return clientLogs.significantNanos();
  }

  /** Whether this service's client logs name their clients (address and user agent). */
  public boolean clientDetails() {
    return clientLogs.clientDetails();
  }

  public void useClientLogs(ClientLogPolicy policy) {
    this.clientLogs = policy;
  }

  /** The certificates its TLS listeners present; null when it has none. */
  public ServerCertificates tls() {
    return tls;
  }

  /** New TLS handshakes choose from {@code tls} from now on (a certificate rotates this way). */
  public void useTls(ServerCertificates tls) {
    this.tls = tls;
  }

  /** Whether requests that arrive without TLS are answered with a redirect to https. */
  public boolean redirectToHttps() {
    return redirectToHttps;
  }

  public void useRedirectToHttps(boolean redirect) {
    this.redirectToHttps = redirect;
  }

  /** The HTTP rules its requests are held to now. */
  public HttpPolicy httpPolicy() {
    return httpPolicy;
  }

  public void useHttpPolicy(HttpPolicy policy) {
    this.httpPolicy = policy;
  }

  /** The limits its connections and requests are held to now. */
  public RateLimiter rateLimits() {
    return rateLimits;
  }

  /**
   * Holds new connections and requests to {@code limits} from now on; unchanged limits keep their
   * buckets (and what clients have used of them).
   */
  public void useRateLimits(RateLimitConfig limits, int clients) {
    if (!limits.equals(rateLimits.config())) {
      this.rateLimits =
          limits.any() ? new RateLimiter(limits, clients, System::nanoTime) : RateLimiter.NONE;
    }
  }

  /** New requests on its listeners go to these children when they claim them. */
  public void useChildren(VirtualHostTable children) {
    this.children = children;
  }

  /**
   * The service that serves {@code request} on this service's listeners: the child that claims its
   * host and path, or this service. The host is the absolute URI's when the request has one (RFC
   * 9112, 3.2.2), else the Host header's.
   */
  public VirtualService route(HttpRequest request) {
    VirtualHostTable table = children;
    if (table.isEmpty()) {
      return this;
    }
    RequestTarget target = RequestTarget.of(request);
    VirtualService child =
        table.match(VirtualHostTable.hostName(target.authority()), target.target());
    return child != null ? child : this;
  }

  /**
   * Marks the service as removed from the configuration: its listeners are closed already, and its
   * open connections finish what they are doing and then close (an HTTP connection takes no further
   * request, and one waiting for a request closes at once).
   */
  public void retire() {
    retired = true;
    // a connection between two requests has nothing to finish: it closes now
    requestConnections.forEach(c -> c.pipeline().fireUserEventTriggered(Retired.INSTANCE));
  }

  /**
   * A connection that serves request after request (HTTP) opened: on {@link #retire} it hears
   * {@link Retired} and closes once the request in hand, if any, is answered.
   */
  public void opened(io.netty.channel.Channel connection) {
    requestConnections.add(connection);
    connection.closeFuture().addListener(f -> requestConnections.remove(connection));
    if (retired) {
      connection.pipeline().fireUserEventTriggered(Retired.INSTANCE);
    }
  }

  public boolean retired() {
    return retired;
  }

  public ServiceStats stats() {
    return stats;
  }

  public RequestTimings timings() {
    return timings;
  }
}
