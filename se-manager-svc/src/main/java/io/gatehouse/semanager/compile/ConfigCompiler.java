package io.gatehouse.semanager.compile;

import io.gatehouse.api.policy.v1.HttpAction;
import io.gatehouse.api.policy.v1.HttpPolicySet;
import io.gatehouse.api.policy.v1.HttpRule;
import io.gatehouse.api.policy.v1.NetworkSecurityPolicy;
import io.gatehouse.api.policy.v1.NetworkSecurityRule;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Server;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.SslKeyAndCertificate;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.api.semanager.v1.AddressList;
import io.gatehouse.api.semanager.v1.CertificateResource;
import io.gatehouse.api.semanager.v1.Listener;
import io.gatehouse.api.semanager.v1.MemberTlsResource;
import io.gatehouse.api.semanager.v1.PoolEndpoint;
import io.gatehouse.api.semanager.v1.PoolResource;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.SecurityPolicyResource;
import io.gatehouse.api.semanager.v1.VirtualServiceResource;
import io.gatehouse.semanager.push.ResourceSet;
import io.gatehouse.semanager.push.ResourceVersions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles policy and Marathon apps into the resources one engine runs: every east-west virtual
 * service (on the engine's east-west address, at each service port), the north-south ones of the
 * engine's SE group (on their VIP), and exactly the pools, certificates and security policies those
 * refer to — pools with their members resolved (static servers, or an app's routable tasks),
 * security policies with the addresses of the apps their rules name. A child virtual service goes
 * wherever its parent goes. A virtual service whose references cannot be resolved is left out (and
 * logged), never half-compiled; so are its children.
 */
public final class ConfigCompiler {
  private static final Logger log = LoggerFactory.getLogger(ConfigCompiler.class);
  private static final String DEFAULT_GROUP = "default";

  /**
   * What an engine's resources depend on: engines alike in both get the same resources, so one
   * compilation serves them all.
   *
   * @param seGroup the SE group it belongs to ("default" when none)
   * @param eastWestAddress where it listens for east-west services (0.0.0.0: every interface)
   */
  public record Engine(String seGroup, String eastWestAddress) {}

  private final ResourceVersions versions = new ResourceVersions();
  private final AppRecompilation appRecompilation = new AppRecompilation(versions);

  /** A compilation, with the inputs it was made from. */
  private record Last(PolicyView policy, AppView apps, ResourceSet result) {}

  /** The last compilation for each kind of engine, and the kinds compiled since the last change. */
  private final Map<Engine, Last> last = new java.util.concurrent.ConcurrentHashMap<>();

  private final java.util.Set<Engine> compiledNow =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Marks the start of a new change: versions remembered from bodies no compilation of the last two
   * changes produced are forgotten, and so are the compilations for kinds of engine the last change
   * did not compile for (none of them is connected).
   */
  public void nextChange() {
    versions.nextGeneration();
    last.keySet().retainAll(java.util.Set.copyOf(compiledNow));
    compiledNow.clear();
  }

  /**
   * The resources {@code engine} should run. When only the apps changed since this kind of engine's
   * last compilation (the same policy view), only what depends on them is compiled again ({@link
   * AppRecompilation}). So a task's change costs the pools of its app, not every virtual service.
   */
  public ResourceSet compile(PolicyView policy, AppView apps, Engine engine) {
    compiledNow.add(engine);
    Last previous = last.get(engine);
    ResourceSet result =
        previous != null && previous.policy() == policy
            ? appRecompilation.recompile(policy, previous.apps(), apps, previous.result())
            : compileAll(policy, apps, engine);
    last.put(engine, new Last(policy, apps, result));
    return result;
  }

  /** Every resource of {@code engine}, compiled from the views. */
  private ResourceSet compileAll(PolicyView policy, AppView apps, Engine engine) {
    Compiled compiled = new Compiled();
    List<VirtualService> children = new ArrayList<>();
    for (VirtualService vs : policy.virtualServices().values()) {
      if (vs.hasEnabled() && !vs.getEnabled()) {
        continue;
      }
      if (!vs.getVhParentVsRef().isEmpty()) {
        children.add(vs); // placed with its parent, once the parents are known
        continue;
      }
      if (!placedOn(vs, engine)) {
        continue;
      }
      List<Listener> listeners = listeners(vs, engine);
      if (listeners.isEmpty()) {
        continue; // a north-south service without an address yet
      }
      compileService(vs, listeners, policy, apps, compiled);
    }
    for (VirtualService child : children) {
      Resource parent = compiled.services.get(child.getVhParentVsRef());
      if (parent != null && parent.getVirtualService().getParent().isEmpty()) {
        compileService(child, List.of(), policy, apps, compiled);
      }
    }
    Map<ResourceType, List<Resource>> byType = new EnumMap<>(ResourceType.class);
    byType.put(ResourceType.RESOURCE_TYPE_CERTIFICATE, List.copyOf(compiled.certificates.values()));
    byType.put(
        ResourceType.RESOURCE_TYPE_SECURITY_POLICY,
        List.copyOf(compiled.securityPolicies.values()));
    byType.put(ResourceType.RESOURCE_TYPE_POOL, List.copyOf(compiled.pools.values()));
    byType.put(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE, List.copyOf(compiled.services.values()));
    // most bodies are as the last change compiled them: their versions are remembered
    byType.replaceAll((type, list) -> list.stream().map(versions::versioned).toList());
    return ResourceSet.of(byType);
  }

  /** What one compilation has produced so far, by type and name. */
  private static final class Compiled {
    final Map<String, Resource> services = new LinkedHashMap<>();
    final Map<String, Resource> pools = new LinkedHashMap<>();
    final Map<String, Resource> certificates = new LinkedHashMap<>();
    final Map<String, Resource> securityPolicies = new LinkedHashMap<>();
  }

  /**
   * Adds {@code vs} (a child when {@code listeners} is empty) and what it refers to, or nothing
   * when a reference cannot be resolved.
   */
  private static void compileService(
      VirtualService vs,
      List<Listener> listeners,
      PolicyView policy,
      AppView apps,
      Compiled compiled) {
    String name = vs.getMeta().getName();
    Pool pool = policy.pools().get(vs.getPoolRef());
    if (pool == null) {
      log.warn("virtual service {} is left out: no pool {}", name, vs.getPoolRef());
      return;
    }
    List<Resource> itsCertificates = new ArrayList<>();
    for (String ref : vs.getSslKeyAndCertificateRefsList()) {
      SslKeyAndCertificate certificate = policy.certificates().get(ref);
      if (certificate == null || certificate.getPrivateKeyPem().isEmpty()) {
        break;
      }
      itsCertificates.add(certificate(certificate));
    }
    boolean tls = listeners.stream().anyMatch(Listener::getTls);
    if (itsCertificates.size() < vs.getSslKeyAndCertificateRefsCount()
        || (tls && itsCertificates.isEmpty())) {
      log.warn("virtual service {} is left out: a certificate or its key is missing", name);
      return;
    }
    Resource security = null;
    if (!vs.getNetworkSecurityPolicyRef().isEmpty()) {
      NetworkSecurityPolicy nsp = policy.securityPolicies().get(vs.getNetworkSecurityPolicyRef());
      if (nsp == null) {
        log.warn(
            "virtual service {} is left out: no security policy {}",
            name,
            vs.getNetworkSecurityPolicyRef());
        return;
      }
      security = securityPolicy(nsp, apps);
    }
    Map<String, Pool> itsPools = new LinkedHashMap<>();
    List<HttpRule> rules = new ArrayList<>();
    String missing = withBPool(pool, policy, itsPools);
    for (String ref : vs.getHttpPolicySetRefsList()) {
      HttpPolicySet set = policy.httpPolicySets().get(ref);
      if (set == null) {
        missing = missing != null ? missing : "HTTP policy set " + ref;
        break;
      }
      for (HttpRule rule : HttpRules.inOrder(set)) {
        rules.add(rule);
        if (rule.getAction().getDecisionCase() == HttpAction.DecisionCase.POOL_REF) {
          Pool routed = policy.pools().get(rule.getAction().getPoolRef());
          String gone =
              routed == null
                  ? "pool " + rule.getAction().getPoolRef()
                  : withBPool(routed, policy, itsPools);
          missing = missing != null ? missing : gone;
        }
      }
    }
    List<Resource> clientCertificates = new ArrayList<>();
    for (Pool p : itsPools.values()) {
      String ref = p.getMemberTls().getClientCertificateRef();
      if (!ref.isEmpty()) {
        SslKeyAndCertificate certificate = policy.certificates().get(ref);
        if (certificate == null || certificate.getPrivateKeyPem().isEmpty()) {
          missing = missing != null ? missing : "client certificate " + ref;
        } else {
          clientCertificates.add(certificate(certificate));
        }
      }
    }
    if (missing != null) {
      log.warn("virtual service {} is left out: no {}", name, missing);
      return;
    }
    itsPools
        .values()
        .forEach(p -> compiled.pools.put(p.getMeta().getName(), pool(p, policy, apps)));
    clientCertificates.forEach(c -> compiled.certificates.put(c.getName(), c));
    itsCertificates.forEach(c -> compiled.certificates.put(c.getName(), c));
    if (security != null) {
      compiled.securityPolicies.put(security.getName(), security);
    }
    VirtualServiceResource.Builder resource =
        VirtualServiceResource.newBuilder()
            .addAllListeners(listeners)
            .setPool(pool.getMeta().getName())
            .setEastWest(vs.getEastWest())
            .setSecurityPolicy(vs.getNetworkSecurityPolicyRef())
            .setAnalyticsPolicy(vs.getAnalyticsPolicy())
            .setRateLimits(vs.getRateLimits())
            .setParent(vs.getVhParentVsRef())
            .addAllDomainNames(vs.getVhDomainNamesList())
            .setPathPrefix(vs.getVhPathPrefix())
            .setRedirectToHttps(vs.getRedirectToHttps())
            .addAllHttpRules(rules);
    itsCertificates.forEach(c -> resource.addCertificates(c.getName()));
    fullClientLogsUntil(vs).ifPresent(resource::setFullClientLogsUntil);
    compiled.services.put(
        name, Resource.newBuilder().setName(name).setVirtualService(resource).build());
  }

  /**
   * Adds {@code pool} and its B pool to {@code pools}; names what is missing (null when nothing
   * is).
   */
  private static String withBPool(Pool pool, PolicyView policy, Map<String, Pool> pools) {
    pools.put(pool.getMeta().getName(), pool);
    if (!pool.hasAbPool()) {
      return null;
    }
    Pool b = policy.pools().get(pool.getAbPool().getPoolRef());
    if (b == null) {
      return "B pool " + pool.getAbPool().getPoolRef();
    }
    pools.put(b.getMeta().getName(), b);
    return null;
  }

  /**
   * When the virtual service's full client logs end: its analytics policy's duration after it was
   * last written; empty when they are off or do not end.
   */
  static java.util.Optional<com.google.protobuf.Timestamp> fullClientLogsUntil(VirtualService vs) {
    var full = vs.getAnalyticsPolicy().getFullClientLogs();
    long seconds = full.getDuration().getSeconds();
    if (!full.getEnabled() || (seconds == 0 && full.getDuration().getNanos() == 0)) {
      return java.util.Optional.empty();
    }
    var written = vs.getMeta().getUpdateTime();
    return java.util.Optional.of(
        com.google.protobuf.Timestamp.newBuilder()
            .setSeconds(written.getSeconds() + seconds)
            .setNanos(written.getNanos())
            .build());
  }

  /** East-west services run on every engine; north-south ones on the engines of their group. */
  private static boolean placedOn(VirtualService vs, Engine engine) {
    if (vs.getEastWest()) {
      return true;
    }
    String group = vs.getSeGroupRef().isEmpty() ? DEFAULT_GROUP : vs.getSeGroupRef();
    return group.equals(
        engine.seGroup() == null || engine.seGroup().isEmpty() ? DEFAULT_GROUP : engine.seGroup());
  }

  private static List<Listener> listeners(VirtualService vs, Engine engine) {
    String address =
        vs.getEastWest()
            ? engine.eastWestAddress()
            : !vs.getVip().getEffectiveAddress().isEmpty()
                ? vs.getVip().getEffectiveAddress()
                : vs.getVip().getIpAddress();
    List<Listener> listeners = new ArrayList<>();
    if (address == null || address.isEmpty()) {
      return listeners;
    }
    for (Service service : vs.getServicesList()) {
      listeners.add(
          Listener.newBuilder()
              .setAddress(address)
              .setPort(service.getPort())
              .setProtocol(service.getProtocol())
              .setTls(service.getEnableSsl())
              .build());
    }
    return listeners;
  }

  static Resource pool(Pool pool, PolicyView policy, AppView apps) {
    PoolResource.Builder resource =
        PoolResource.newBuilder()
            .setLbAlgorithm(pool.getLbAlgorithm())
            .setConsistentHash(pool.getConsistentHash())
            .setDrainingTimeout(pool.getDrainingTimeout())
            .setPassiveHealth(pool.getPassiveHealth())
            .setMemberProtocol(pool.getMemberProtocol());
    if (pool.hasMemberTls()) {
      resource.setMemberTls(
          MemberTlsResource.newBuilder()
              .setCaCertificatesPem(pool.getMemberTls().getCaCertificatesPem())
              .setServerName(pool.getMemberTls().getServerName())
              .setClientCertificate(pool.getMemberTls().getClientCertificateRef()));
    }
    if (pool.hasAbPool()) {
      resource.setAbPool(pool.getAbPool());
    }
    for (String ref : pool.getHealthMonitorRefsList()) {
      if (policy.healthMonitors().containsKey(ref)) {
        resource.addHealthMonitors(policy.healthMonitors().get(ref));
      }
    }
    if (pool.hasStaticServers()) {
      for (Server server : pool.getStaticServers().getServersList()) {
        if (server.hasEnabled() && !server.getEnabled()) {
          continue;
        }
        resource.addEndpoints(
            PoolEndpoint.newBuilder()
                .setId(server.getIpAddress() + ":" + server.getPort())
                .setAddress(server.getIpAddress())
                .setPort(server.getPort())
                .setWeight(server.getWeight() == 0 ? 1 : server.getWeight())
                .setHostname(server.getHostname()));
      }
    } else if (pool.hasMarathonApp()) {
      var members = pool.getMarathonApp();
      for (AppView.Member member :
          apps.members(
              members.getMarathonFramework(), members.getAppId(), members.getPortIndex())) {
        resource.addEndpoints(
            PoolEndpoint.newBuilder()
                .setId(member.taskId() + ":" + member.port())
                .setAddress(member.address())
                .setPort(member.port())
                .setWeight(1)
                .setAppId(members.getAppId())
                .setNodeId(member.nodeId())
                .setHostname(member.host()));
      }
    }
    return Resource.newBuilder().setName(pool.getMeta().getName()).setPool(resource).build();
  }

  private static Resource certificate(SslKeyAndCertificate certificate) {
    return Resource.newBuilder()
        .setName(certificate.getMeta().getName())
        .setCertificate(
            CertificateResource.newBuilder()
                .setCertificatePem(certificate.getCertificatePem())
                .setPrivateKeyPem(certificate.getPrivateKeyPem()))
        .build();
  }

  static Resource securityPolicy(NetworkSecurityPolicy policy, AppView apps) {
    SecurityPolicyResource.Builder resource =
        SecurityPolicyResource.newBuilder()
            .addAllRules(policy.getRulesList())
            .setDefaultAction(policy.getDefaultAction());
    for (NetworkSecurityRule rule : policy.getRulesList()) {
      for (String app : rule.getMatch().getClientMarathonAppsList()) {
        resource.putAppAddresses(
            app, AddressList.newBuilder().addAllAddresses(apps.taskAddresses(app)).build());
      }
    }
    return Resource.newBuilder()
        .setName(policy.getMeta().getName())
        .setSecurityPolicy(resource)
        .build();
  }
}
