package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.LbAlgorithm;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Server;
import io.gatehouse.policy.internal.ObjectRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Pools: static servers or a Marathon app's tasks, and how load is spread over them. */
public final class PoolKind extends PolicyKind<Pool> {
  static final int MAX_SERVERS = 10_000;
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  public PoolKind() {
    super(ObjectKind.OBJECT_KIND_POOL, "pool", Pool.getDefaultInstance());
  }

  @Override
  public void validate(Pool pool, Violations v) {
    switch (pool.getMembersCase()) {
      case STATIC_SERVERS ->
          validateServers(pool.getStaticServers().getServersList(), v.in("static_servers"));
      case MARATHON_APP -> {
        Violations app = v.in("marathon_app");
        String id = pool.getMarathonApp().getAppId();
        app.require(
            id.startsWith("/") && id.length() > 1 && !id.contains("//"),
            "app_id",
            "must be a Marathon app id such as /shop/web, not \"" + id + "\"");
        app.require(pool.getMarathonApp().getPortIndex() < 100, "port_index", "must be below 100");
      }
      case MEMBERS_NOT_SET ->
          v.add("", "set static_servers or marathon_app: a pool needs a source of members");
    }
    v.require(
        pool.getLbAlgorithm() != LbAlgorithm.UNRECOGNIZED, "lb_algorithm", "unknown algorithm");
    v.require(
        pool.getMemberProtocol() != io.gatehouse.api.policy.v1.MemberProtocol.UNRECOGNIZED,
        "member_protocol",
        "unknown protocol");
    MemberTlsRules.validate(pool, v);
    if (pool.hasAbPool()) {
      Violations ab = v.in("ab_pool");
      ab.require(!pool.getAbPool().getPoolRef().isEmpty(), "pool_ref", "name the B pool");
      ab.reference(pool.getAbPool().getPoolRef(), "pool_ref");
      ab.require(
          !pool.getAbPool().getPoolRef().equals(pool.getMeta().getName()),
          "pool_ref",
          "a pool cannot be its own B pool");
      ab.require(pool.getAbPool().getRatio() <= 100, "ratio", "must be a percent, 0 to 100");
    }
    if (pool.getConsistentHash().hasHeader()) {
      v.require(
          HEADER_NAME.matcher(pool.getConsistentHash().getHeader()).matches(),
          "consistent_hash.header",
          "must be an HTTP header name");
    }
    for (int i = 0; i < pool.getHealthMonitorRefsCount(); i++) {
      v.require(
          !pool.getHealthMonitorRefs(i).isEmpty(),
          "health_monitor_refs[" + i + "]",
          "must not be empty");
      v.reference(pool.getHealthMonitorRefs(i), "health_monitor_refs[" + i + "]");
    }
    v.reference(pool.getAutoscalePolicyRef(), "autoscale_policy_ref");
    v.require(
        pool.getAutoscalePolicyRef().isEmpty() || pool.hasMarathonApp(),
        "autoscale_policy_ref",
        "autoscaling needs a pool whose members come from a Marathon app");
    v.duration(
        pool.hasDrainingTimeout(),
        pool.getDrainingTimeout(),
        Duration.ZERO,
        Duration.ofHours(1),
        "draining_timeout");
    v.duration(
        pool.getPassiveHealth().hasEjectionTime(),
        pool.getPassiveHealth().getEjectionTime(),
        Duration.ZERO,
        Duration.ofHours(1),
        "passive_health.ejection_time");
  }

  private static void validateServers(List<Server> servers, Violations v) {
    v.require(!servers.isEmpty(), "servers", "at least one server is required");
    v.require(servers.size() <= MAX_SERVERS, "servers", "at most " + MAX_SERVERS + " servers");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < servers.size(); i++) {
      Server s = servers.get(i);
      Violations at = v.in("servers", i);
      var ip = Addresses.parseIp(s.getIpAddress());
      at.require(ip != null, "ip_address", "\"" + s.getIpAddress() + "\" is not an IP address");
      at.port(s.getPort(), "port");
      at.require(s.getWeight() <= 256, "weight", "must be 1 to 256 (0 means 1)");
      at.require(
          s.getHostname().isEmpty() || io.gatehouse.common.net.HostNames.valid(s.getHostname()),
          "hostname",
          "must be a host name such as web-1.internal");
      if (ip != null) {
        at.require(
            seen.add(ip.getHostAddress() + ":" + s.getPort()),
            "",
            s.getIpAddress() + ":" + s.getPort() + " is listed twice");
      }
    }
  }

  @Override
  public List<Reference> references(Pool pool) {
    List<Reference> refs = new ArrayList<>();
    for (String monitor : pool.getHealthMonitorRefsList()) {
      refs.add(
          new Reference(
              "health_monitor_refs",
              new ObjectRef(ObjectKind.OBJECT_KIND_HEALTH_MONITOR, monitor)));
    }
    if (!pool.getAutoscalePolicyRef().isEmpty()) {
      refs.add(
          new Reference(
              "autoscale_policy_ref",
              new ObjectRef(
                  ObjectKind.OBJECT_KIND_AUTOSCALE_POLICY, pool.getAutoscalePolicyRef())));
    }
    if (!pool.getMemberTls().getClientCertificateRef().isEmpty()) {
      refs.add(
          new Reference(
              "member_tls.client_certificate_ref",
              new ObjectRef(
                  ObjectKind.OBJECT_KIND_SSL_KEY_AND_CERTIFICATE,
                  pool.getMemberTls().getClientCertificateRef())));
    }
    if (pool.hasAbPool() && !pool.getAbPool().getPoolRef().isEmpty()) {
      refs.add(
          new Reference(
              "ab_pool.pool_ref",
              new ObjectRef(ObjectKind.OBJECT_KIND_POOL, pool.getAbPool().getPoolRef())));
    }
    return refs;
  }
}
