package io.gatehouse.engine;

import io.gatehouse.engine.config.CertificateConfig;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.health.HealthChecker;
import io.gatehouse.engine.http.HttpProxyInitializer;
import io.gatehouse.engine.http.HttpSettings;
import io.gatehouse.engine.httppolicy.HttpPolicy;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.limits.ResourceLimits;
import io.gatehouse.engine.listener.ListenerSet;
import io.gatehouse.engine.listener.VirtualHostTable;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.security.SecurityPolicy;
import io.gatehouse.engine.tcp.TcpProxyInitializer;
import io.gatehouse.engine.timing.TimingCollector;
import io.gatehouse.engine.tls.MemberTls;
import io.gatehouse.engine.tls.ServerCertificates;
import io.gatehouse.engine.tls.TlsContexts;
import io.gatehouse.engine.udp.UdpListeners;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The data plane: event loops, pools, virtual services and their listeners. A configuration is
 * applied in dependency order — pools first, then virtual services, then listeners — and only after
 * it validated as a whole; what cannot be applied (a port in use) fails its virtual service alone.
 */
public final class ServiceEngine implements AutoCloseable {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(ServiceEngine.class);

  /** What applying a configuration did: the virtual services that failed, with why. */
  public record ApplyResult(EngineConfig config, Map<String, String> failedServices) {
    public boolean ok() {
      return failedServices.isEmpty();
    }
  }

  private final Transport transport;
  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final ListenerSet listeners;
  private final HealthChecker health;
  private final TimingCollector timing;
  private final io.gatehouse.engine.pool.MemberConnections memberConnections =
      new io.gatehouse.engine.pool.MemberConnections();
  private final Map<String, Pool> pools = new ConcurrentHashMap<>();
  private final Map<String, VirtualService> services = new ConcurrentHashMap<>();
  private final Map<String, TlsContext> tls = new java.util.HashMap<>();

  /** A certificate's TLS contexts, kept while the certificate stays the same. */
  private record TlsContext(
      CertificateConfig config, ServerCertificates.Contexts contexts, List<String> names) {
    TlsContext(CertificateConfig config) {
      this(
          config,
          new ServerCertificates.Contexts(
              TlsContexts.serverContext(config, false), TlsContexts.serverContext(config, true)),
          TlsContexts.serverNames(config));
    }
  }

  private final ResourceLimits limits;
  private volatile EngineConfig current = EngineConfig.empty();
  private boolean draining;

  /**
   * @param transport the socket transport
   * @param threads event loops for connections (one per core is the usual choice)
   * @param http HTTP limits and timeouts
   */
  public ServiceEngine(Transport transport, int threads, HttpSettings http) {
    this(transport, threads, http, ResourceLimits.defaults());
  }

  /**
   * @param transport the socket transport
   * @param threads event loops for connections (one per core is the usual choice)
   * @param http HTTP limits and timeouts
   * @param limits what clients may hold at once
   */
  public ServiceEngine(Transport transport, int threads, HttpSettings http, ResourceLimits limits) {
    this.transport = transport;
    this.limits = limits;
    this.acceptors = transport.group(1, "se-accept");
    this.workers = transport.group(threads, "se-io");
    this.health = new HealthChecker(transport);
    this.timing =
        new TimingCollector(
            services::values, pools::values, Duration.ofSeconds(1), Clock.systemUTC());
    HttpProxyInitializer.Upstreams upstreams =
        new HttpProxyInitializer.Upstreams(transport, http, memberConnections);
    ServerBootstrap httpBootstrap = serverBootstrap(false);
    ServerBootstrap tcpBootstrap = serverBootstrap(true);
    UdpListeners udp = new UdpListeners(transport, workers, limits, http.clientLogs());
    Map<Protocol, ListenerSet.Binder> binders = new EnumMap<>(Protocol.class);
    binders.put(
        Protocol.HTTP,
        (listener, service) ->
            httpBootstrap
                .clone()
                .childHandler(
                    new HttpProxyInitializer(service, http, upstreams, listener.tls(), limits))
                .bind(listener.address(), listener.port()));
    binders.put(
        Protocol.TCP,
        (listener, service) ->
            tcpBootstrap
                .clone()
                .childHandler(
                    new TcpProxyInitializer(
                        service,
                        transport,
                        listener.tls(),
                        memberConnections,
                        limits,
                        http.clientLogs()))
                .bind(listener.address(), listener.port()));
    binders.put(Protocol.UDP, udp::bind);
    this.listeners = new ListenerSet(binders);
  }

  private ServerBootstrap serverBootstrap(boolean halfClosure) {
    return new ServerBootstrap()
        .group(acceptors, workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure);
  }

  /**
   * Applies a configuration (validated first; an invalid one changes nothing).
   *
   * @throws io.gatehouse.engine.config.InvalidConfigException when it does not validate
   */
  public synchronized ApplyResult apply(EngineConfig config) {
    config.validate();
    // TLS contexts first, before anything changes: a certificate that validates but cannot be
    // built leaves the engine as it was; an unchanged certificate keeps its context
    Map<String, TlsContext> contexts = new java.util.HashMap<>();
    config
        .certificates()
        .forEach(
            (name, c) -> {
              TlsContext kept = tls.get(name);
              contexts.put(
                  name, kept != null && kept.config().equals(c) ? kept : new TlsContext(c));
            });
    // member TLS likewise: a pool whose TLS stays the same keeps its own (and its kept connections)
    Map<String, MemberTls> memberTls =
        MemberTls.forPools(config, name -> pools.containsKey(name) ? pools.get(name).tls() : null);
    tls.clear();
    tls.putAll(contexts);
    for (PoolConfig poolConfig : config.pools().values()) {
      MemberTls itsTls = memberTls.get(poolConfig.name());
      pools.compute(
          poolConfig.name(),
          (name, pool) -> {
            if (pool == null) {
              return new Pool(poolConfig, itsTls);
            }
            pool.update(poolConfig, itsTls).forEach(left -> drain(pool, left));
            return pool;
          });
    }
    for (PoolConfig poolConfig : config.pools().values()) {
      pools
          .get(poolConfig.name())
          .useAbPool(poolConfig.abPool() == null ? null : pools.get(poolConfig.abPool().pool()));
    }
    Map<String, SecurityPolicy> policies = new java.util.HashMap<>();
    config
        .securityPolicies()
        .forEach((name, policy) -> policies.put(name, new SecurityPolicy(policy)));
    Map<String, List<VirtualServiceConfig>> children = childrenByParent(config);
    for (VirtualServiceConfig vs : config.virtualServices().values()) {
      Pool pool = pools.get(vs.pool());
      SecurityPolicy security =
          vs.securityPolicy() == null ? null : policies.get(vs.securityPolicy());
      ServerCertificates certificates =
          vs.child() ? null : certificates(vs, children.get(vs.name()), contexts);
      services.compute(
          vs.name(),
          (name, service) -> {
            VirtualService runtime = service == null ? new VirtualService(name, pool) : service;
            runtime.usePool(pool);
            runtime.useSecurity(security); // before its listeners open: no connection slips by
            runtime.useClientLogs(vs.clientLogs());
            runtime.useTls(certificates);
            runtime.useRateLimits(vs.rateLimits(), limits.rateLimitClients());
            runtime.useRedirectToHttps(vs.redirectToHttps());
            runtime.useHttpPolicy(HttpPolicy.compile(vs.httpRules(), pools::get)); // checked
            return runtime;
          });
    }
    for (VirtualServiceConfig vs : config.virtualServices().values()) {
      VirtualHostTable.Builder table = new VirtualHostTable.Builder();
      for (VirtualServiceConfig child : children.getOrDefault(vs.name(), List.of())) {
        table.add(
            services.get(child.name()),
            child.virtualHost().domainNames(),
            child.virtualHost().pathPrefix());
      }
      services.get(vs.name()).useChildren(table.build());
    }
    Map<String, String> failed =
        draining // an engine that drains opens nothing again
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(listeners.apply(config.virtualServices().values(), services));
    services
        .entrySet()
        .removeIf(
            e -> {
              boolean gone = !config.virtualServices().containsKey(e.getKey());
              if (gone) {
                e.getValue().retire(); // its open connections drain and close
              }
              return gone;
            });
    pools
        .entrySet()
        .removeIf(
            e -> {
              boolean gone = !config.pools().containsKey(e.getKey());
              if (gone) {
                e.getValue().members().forEach(m -> drain(e.getValue(), m));
              }
              return gone;
            });
    health.update(pools.values());
    current = config;
    return new ApplyResult(config, failed);
  }

  private static Map<String, List<VirtualServiceConfig>> childrenByParent(EngineConfig config) {
    Map<String, List<VirtualServiceConfig>> children = new java.util.HashMap<>();
    config.virtualServices().values().stream()
        .filter(VirtualServiceConfig::child)
        .sorted(java.util.Comparator.comparing(VirtualServiceConfig::name))
        .forEach(
            child ->
                children
                    .computeIfAbsent(child.virtualHost().parent(), p -> new ArrayList<>())
                    .add(child));
    return children;
  }

  /**
   * What a parent's TLS listeners present: its own certificates (the first is the default), then
   * its children's, chosen by SNI.
   */
  private static ServerCertificates certificates(
      VirtualServiceConfig vs,
      List<VirtualServiceConfig> children,
      Map<String, TlsContext> contexts) {
    List<ServerCertificates.Named> named = new ArrayList<>();
    List<String> names = new ArrayList<>(vs.certificates());
    if (children != null) {
      children.forEach(child -> names.addAll(child.certificates()));
    }
    for (String name : names) {
      TlsContext context = contexts.get(name);
      named.add(new ServerCertificates.Named(context.contexts(), context.names()));
    }
    return ServerCertificates.of(named);
  }

  /**
   * A member left {@code pool}: it gets no new requests (it is no longer picked), and after the
   * pool's draining time whatever it still serves is closed, unless it is a member again by then.
   */
  private void drain(Pool pool, io.gatehouse.engine.pool.Endpoint member) {
    java.time.Duration timeout = pool.drainingTimeout();
    if (member.inFlight() > 0) {
      log.info(
          "pool {}: member {} left with {} requests in flight; they have {} to finish",
          pool.name(),
          member.id(),
          member.inFlight(),
          timeout);
    }
    workers.schedule(
        () -> {
          if (pools.values().stream().noneMatch(p -> p.serves(member.address()))) {
            if (member.inFlight() > 0) {
              log.warn(
                  "pool {}: member {} still had {} requests in flight after {}; closed",
                  pool.name(),
                  member.id(),
                  member.inFlight(),
                  timeout);
            }
            memberConnections.closeAll(workers, member.address());
          }
        },
        timeout.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /**
   * Stops taking connections, for good: every listener closes, and open HTTP connections close
   * after the request in hand (TCP and UDP sessions run until they end). Configurations applied
   * afterwards open no listener.
   */
  public synchronized void stopAccepting() {
    draining = true;
    listeners.close();
    services.values().forEach(VirtualService::retire);
  }

  /** Client connections open now, over every virtual service. */
  public long openConnections() {
    return services.values().stream().mapToLong(s -> s.stats().connectionsOpen()).sum();
  }

  /** The configuration applied last. */
  public EngineConfig current() {
    return current;
  }

  public Map<String, VirtualService> services() {
    return Map.copyOf(services);
  }

  public Map<String, Pool> pools() {
    return Map.copyOf(pools);
  }

  /** Bound sockets, address:port → virtual service. */
  public Map<String, String> sockets() {
    return listeners.sockets();
  }

  /**
   * The event loops that serve connections: the engine's own clients (analytics) run on them too,
   * so that on a pinned core no extra thread competes with traffic.
   */
  public EventLoopGroup workers() {
    return workers;
  }

  /** The socket transport of those event loops. */
  public Transport transport() {
    return transport;
  }

  /** The per-second timing of every virtual service and member. */
  public TimingCollector timing() {
    return timing;
  }

  public String transportName() {
    return transport.name();
  }

  @Override
  public void close() {
    listeners.close();
    health.close();
    timing.close();
    acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
