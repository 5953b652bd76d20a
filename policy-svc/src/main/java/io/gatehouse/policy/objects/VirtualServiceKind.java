package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.AnalyticsPolicy;
import io.gatehouse.api.policy.v1.ClientInsights;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.RateLimits;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.Vip;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.policy.internal.ObjectRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Virtual services: listeners on a VIP or on every node, in front of a pool. */
public final class VirtualServiceKind extends PolicyKind<VirtualService> {
  static final int MAX_SERVICES = 64;
  static final int MAX_HTTP_POLICY_SETS = 16;

  /** The address east-west listeners claim: every node. */
  public static final String EAST_WEST_ADDRESS = "*";

  public VirtualServiceKind() {
    super(
        ObjectKind.OBJECT_KIND_VIRTUAL_SERVICE,
        "virtual_service",
        VirtualService.getDefaultInstance());
  }

  @Override
  public VirtualService clearOutputOnly(VirtualService vs) {
    if (!vs.hasVip()) {
      return vs;
    }
    return vs.toBuilder().setVip(vs.getVip().toBuilder().clearEffectiveAddress()).build();
  }

  @Override
  public void validate(VirtualService vs, Violations v) {
    v.require(!vs.getPoolRef().isEmpty(), "pool_ref", "is required: name the pool that serves it");
    v.reference(vs.getPoolRef(), "pool_ref");
    v.reference(vs.getNetworkSecurityPolicyRef(), "network_security_policy_ref");
    v.reference(vs.getSeGroupRef(), "se_group_ref");
    for (int i = 0; i < vs.getSslKeyAndCertificateRefsCount(); i++) {
      String ref = vs.getSslKeyAndCertificateRefs(i);
      v.require(!ref.isEmpty(), "ssl_key_and_certificate_refs[" + i + "]", "must not be empty");
      v.reference(ref, "ssl_key_and_certificate_refs[" + i + "]");
    }
    validateHttpPolicies(vs, v);
    if (!vs.getVhParentVsRef().isEmpty()) {
      VirtualHosts.validateChild(vs, v);
    } else {
      VirtualHosts.validateNotChild(vs, v);
      if (!vs.getEastWest()) {
        validateVip(vs, v.in("vip"));
      }
      validateServices(vs, v);
      validateRateLimits(vs, v.in("rate_limits"));
      v.require(
          !vs.getRedirectToHttps()
              || vs.getServicesList().stream()
                  .anyMatch(s -> s.getProtocol() == Protocol.PROTOCOL_HTTP && !s.getEnableSsl()),
          "redirect_to_https",
          "redirects HTTP requests that arrive without TLS, and the virtual service has no HTTP"
              + " service without enable_ssl");
    }
    validateAnalytics(vs.getAnalyticsPolicy(), v.in("analytics_policy"));
  }

  private static void validateHttpPolicies(VirtualService vs, Violations v) {
    v.require(
        vs.getHttpPolicySetRefsCount() <= MAX_HTTP_POLICY_SETS,
        "http_policy_set_refs",
        "at most " + MAX_HTTP_POLICY_SETS + " sets");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < vs.getHttpPolicySetRefsCount(); i++) {
      String ref = vs.getHttpPolicySetRefs(i);
      String field = "http_policy_set_refs[" + i + "]";
      v.require(!ref.isEmpty(), field, "must not be empty");
      v.reference(ref, field);
      v.require(seen.add(ref), field, ref + " is named twice");
    }
    v.require(
        vs.getHttpPolicySetRefsCount() == 0
            || !vs.getVhParentVsRef().isEmpty()
            || vs.getServicesList().stream()
                .anyMatch(s -> s.getProtocol() == Protocol.PROTOCOL_HTTP),
        "http_policy_set_refs",
        "apply to HTTP requests, and the virtual service has no HTTP service");
  }

  private static void validateVip(VirtualService vs, Violations v) {
    Vip vip = vs.getVip();
    switch (vip.getAddressCase()) {
      case IP_ADDRESS ->
          v.require(
              Addresses.parseIp(vip.getIpAddress()) != null,
              "ip_address",
              "\"" + vip.getIpAddress() + "\" is not an IPv4 or IPv6 address");
      case AUTO_ALLOCATE -> {
        Addresses.Cidr subnet = Addresses.parseCidr(vip.getSubnet());
        v.require(
            vip.getAutoAllocate() && subnet != null,
            "subnet",
            "auto_allocate needs a subnet in CIDR form, e.g. 10.10.10.0/24, not \""
                + vip.getSubnet()
                + "\"");
      }
      case ADDRESS_NOT_SET ->
          v.add(
              "",
              "a north-south virtual service needs a VIP: set vip.ip_address or vip.auto_allocate"
                  + " (or set east_west)");
    }
  }

  private static void validateServices(VirtualService vs, Violations v) {
    if (vs.getServicesCount() == 0) {
      v.add("services", "at least one service (port and protocol) is required");
    }
    v.require(
        vs.getServicesCount() <= MAX_SERVICES,
        "services",
        "at most " + MAX_SERVICES + " services, not " + vs.getServicesCount());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < vs.getServicesCount(); i++) {
      Service s = vs.getServices(i);
      Violations at = v.in("services", i);
      at.port(s.getPort(), "port");
      at.require(
          s.getProtocol() != Protocol.PROTOCOL_UNSPECIFIED
              && s.getProtocol() != Protocol.UNRECOGNIZED,
          "protocol",
          "must be PROTOCOL_HTTP, PROTOCOL_TCP or PROTOCOL_UDP");
      at.require(
          !(s.getEnableSsl() && s.getProtocol() == Protocol.PROTOCOL_UDP),
          "enable_ssl",
          "TLS is not available on UDP services");
      at.require(
          !s.getEnableSsl() || vs.getSslKeyAndCertificateRefsCount() > 0,
          "enable_ssl",
          "needs a certificate: set ssl_key_and_certificate_refs");
      at.require(
          seen.add(s.getPort() + "/" + s.getProtocol()),
          "port",
          "port " + s.getPort() + " " + s.getProtocol() + " is listed twice");
    }
  }

  /** Limits that nothing could apply to are refused, not accepted and ignored. */
  private static void validateRateLimits(VirtualService vs, Violations v) {
    RateLimits r = vs.getRateLimits();
    boolean http =
        vs.getServicesList().stream().anyMatch(s -> s.getProtocol() == Protocol.PROTOCOL_HTTP);
    boolean connections =
        vs.getServicesList().stream().anyMatch(s -> s.getProtocol() != Protocol.PROTOCOL_UDP);
    String noHttp = "limits HTTP requests, and the virtual service has no HTTP service";
    v.require(r.getRequestsPerSecond() == 0 || http, "requests_per_second", noHttp);
    v.require(r.getClientRequestsPerSecond() == 0 || http, "client_requests_per_second", noHttp);
    v.require(
        r.getMaxConcurrentConnections() == 0 || connections,
        "max_concurrent_connections",
        "limits TCP and HTTP connections, and the virtual service has UDP services only");
    boolean rate =
        r.getConnectionsPerSecond() > 0
            || r.getRequestsPerSecond() > 0
            || r.getClientConnectionsPerSecond() > 0
            || r.getClientRequestsPerSecond() > 0;
    v.require(r.getBurst() == 0 || rate, "burst", "is a burst above a rate: set a rate too");
  }

  private static void validateAnalytics(AnalyticsPolicy a, Violations v) {
    Duration year = Duration.ofDays(366);
    // engines report every virtual service every second, always: what would turn that off is
    // refused rather than accepted and ignored
    if (a.hasMetricsRealtimeUpdate()) {
      v.require(
          a.getMetricsRealtimeUpdate().getEnabled(),
          "metrics_realtime_update.enabled",
          "false is not supported: engines report metrics every second, always");
      com.google.protobuf.Duration realtime = a.getMetricsRealtimeUpdate().getDuration();
      v.require(
          realtime.getSeconds() == 0 && realtime.getNanos() == 0,
          "metrics_realtime_update.duration",
          "is not supported: engines report metrics every second, always (leave it 0)");
    }
    // engines learn of clients only passively: ACTIVE (probes) would be accepted and ignored
    v.require(
        a.getClientInsights() != ClientInsights.CLIENT_INSIGHTS_ACTIVE
            && a.getClientInsights() != ClientInsights.UNRECOGNIZED,
        "client_insights",
        "must be CLIENT_INSIGHTS_PASSIVE (the default) or CLIENT_INSIGHTS_NO_INSIGHTS: engines learn"
            + " of clients only from their traffic, never by probing them");
    v.duration(
        a.getMetricsRealtimeUpdate().hasDuration(),
        a.getMetricsRealtimeUpdate().getDuration(),
        Duration.ZERO,
        year,
        "metrics_realtime_update.duration");
    v.duration(
        a.getFullClientLogs().hasDuration(),
        a.getFullClientLogs().getDuration(),
        Duration.ZERO,
        year,
        "full_client_logs.duration");
    v.duration(
        a.hasSignificantLatency(),
        a.getSignificantLatency(),
        Duration.ofMillis(1),
        Duration.ofHours(1),
        "significant_latency");
  }

  @Override
  public List<Reference> references(VirtualService vs) {
    List<Reference> refs = new ArrayList<>();
    if (!vs.getPoolRef().isEmpty()) {
      refs.add(
          new Reference("pool_ref", new ObjectRef(ObjectKind.OBJECT_KIND_POOL, vs.getPoolRef())));
    }
    for (String cert : vs.getSslKeyAndCertificateRefsList()) {
      refs.add(
          new Reference(
              "ssl_key_and_certificate_refs",
              new ObjectRef(ObjectKind.OBJECT_KIND_SSL_KEY_AND_CERTIFICATE, cert)));
    }
    if (!vs.getNetworkSecurityPolicyRef().isEmpty()) {
      refs.add(
          new Reference(
              "network_security_policy_ref",
              new ObjectRef(
                  ObjectKind.OBJECT_KIND_NETWORK_SECURITY_POLICY,
                  vs.getNetworkSecurityPolicyRef())));
    }
    for (String set : vs.getHttpPolicySetRefsList()) {
      refs.add(
          new Reference(
              "http_policy_set_refs", new ObjectRef(ObjectKind.OBJECT_KIND_HTTP_POLICY_SET, set)));
    }
    if (!vs.getVhParentVsRef().isEmpty()) {
      refs.add(
          new Reference(
              "vh_parent_vs_ref",
              new ObjectRef(ObjectKind.OBJECT_KIND_VIRTUAL_SERVICE, vs.getVhParentVsRef())));
    }
    if (!vs.getSeGroupRef().isEmpty()) {
      refs.add(
          new Reference(
              "se_group_ref",
              new ObjectRef(ObjectKind.OBJECT_KIND_SERVICE_ENGINE_GROUP, vs.getSeGroupRef())));
    }
    return refs;
  }

  @Override
  public List<ListenerClaim> listeners(VirtualService vs) {
    List<ListenerClaim> claims = new ArrayList<>();
    for (int i = 0; i < vs.getServicesCount(); i++) {
      Service s = vs.getServices(i);
      String field = "services[" + i + "].port";
      if (vs.getEastWest()) {
        claims.add(
            new ListenerClaim(EAST_WEST_ADDRESS, "", s.getPort(), s.getProtocolValue(), field));
      } else if (vs.getVip().hasIpAddress()) {
        String address = Addresses.parseIp(vs.getVip().getIpAddress()).getHostAddress();
        claims.add(new ListenerClaim(address, "", s.getPort(), s.getProtocolValue(), field));
      } else {
        claims.add(
            new ListenerClaim(
                null, vs.getVip().getSubnet(), s.getPort(), s.getProtocolValue(), field));
      }
    }
    return claims;
  }
}
