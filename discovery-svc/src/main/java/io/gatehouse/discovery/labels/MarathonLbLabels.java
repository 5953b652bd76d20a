package io.gatehouse.discovery.labels;

import io.gatehouse.api.policy.v1.ConsistentHash;
import io.gatehouse.api.policy.v1.LbAlgorithm;
import io.gatehouse.api.policy.v1.MarathonAppMembers;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.Vip;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.common.net.HostNames;
import io.gatehouse.discovery.marathon.MarathonApp;
import io.gatehouse.discovery.marathon.PortSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Apps labelled for marathon-lb ({@code HAPROXY_GROUP}) served unchanged: for each port n a pool of
 * the app's tasks; a virtual service on its service port ({@code HAPROXY_n_PORT} overrides it),
 * east-west for the {@code internal} group and on the group's VIP otherwise; and with {@code
 * HAPROXY_n_VHOST} a child of the group's parent virtual service for those host names (and {@code
 * HAPROXY_n_PATH}). Labels that configure HAProxy's own text (templates, raw options) or that
 * Gatehouse does not implement are label errors naming the label, never ignored.
 */
final class MarathonLbLabels {
  static final String GROUP = "HAPROXY_GROUP";

  private static final Pattern PORT_LABEL = Pattern.compile("HAPROXY_(\\d{1,3})_([A-Z0-9_]+)");

  /** Per-port labels Gatehouse implements. */
  private static final Set<String> PORT_LABELS =
      Set.of(
          "VHOST",
          "PATH",
          "REDIRECT_TO_HTTPS",
          "BALANCE",
          "STICKY",
          "MODE",
          "PORT",
          "ENABLED",
          "GROUP");

  /** App-wide labels Gatehouse reads or that change nothing (marathon-lb's own bookkeeping). */
  private static final Set<String> APP_LABELS = Set.of(GROUP, "HAPROXY_APP_ID");

  private MarathonLbLabels() {}

  /** Whether the app is labelled for marathon-lb. */
  static boolean applies(MarathonApp app) {
    return app.labels().containsKey(GROUP);
  }

  /**
   * The app's objects, or the errors that prevent them; {@code others} are the apps of its
   * blue/green deployment group, if it has one (see {@link MarathonLbDeployments}).
   */
  static ProxyTranslator.Result translate(
      String framework, MarathonApp app, ProxySettings settings, List<MarathonApp> others) {
    List<LabelError> errors = new ArrayList<>();
    Map<String, String> labels = app.labels();
    checkLabels(labels, app.ports().size(), errors);
    MarathonLbDeployments.Place deployment =
        MarathonLbDeployments.applies(app)
            ? MarathonLbDeployments.place(app, others, errors)
            : null;
    if (labels.containsKey(ProxyTranslator.AVI_PROXY)) {
      errors.add(
          error(
              ProxyTranslator.AVI_PROXY,
              "INVALID_VALUE",
              "an app is labelled for marathon-lb (HAPROXY_GROUP) or for avi_proxy, not both"));
    }
    List<VirtualService> services = new ArrayList<>();
    List<Pool> pools = new ArrayList<>();
    for (PortSpec port : app.ports()) {
      int n = port.index();
      if ("false".equalsIgnoreCase(label(labels, n, "ENABLED"))) {
        continue;
      }
      String group = labels.getOrDefault("HAPROXY_" + n + "_GROUP", labels.get(GROUP)).strip();
      String name = ProxyTranslator.baseName(framework, app.id()) + "/" + port.servicePort();
      ObjectMeta meta = ProxyTranslator.meta(framework, app.id(), name);
      Pool pool = pool(meta, framework, app.id(), n, labels, errors);
      pools.add(deployment == null ? pool : withNewer(pool, framework, app, n, deployment));
      if (deployment != null && deployment.newer()) {
        continue; // the older app of the pair holds the listeners
      }
      String vhost = label(labels, n, "VHOST");
      Protocol protocol = protocol(labels, n, vhost != null, errors);
      int listen = listenPort(labels, n, port, errors);
      // a deployment group's listeners are named after it: they pass from one app to the next
      ObjectMeta vsMeta =
          deployment == null
              ? meta
              : meta.toBuilder()
                  .setName(
                      ProxyTranslator.baseName(framework, deployment.groupId())
                          + "/"
                          + (listen > 0 ? listen : port.servicePort()))
                  .build();
      if (listen > 0) {
        services.add(listener(vsMeta, name, group, listen, protocol, labels, n, settings, errors));
      }
      if (vhost != null) {
        services.add(child(vsMeta, name, group, vhost, protocol, labels, n, settings, errors));
      }
    }
    if (!errors.isEmpty()) {
      return new ProxyTranslator.Result(List.of(), List.of(), errors.stream().distinct().toList());
    }
    return new ProxyTranslator.Result(services, pools, List.of());
  }

  /** Every HAPROXY_ label is one Gatehouse reads, about a port the app has. */
  private static void checkLabels(Map<String, String> labels, int ports, List<LabelError> errors) {
    for (String label : labels.keySet()) {
      if (!label.startsWith("HAPROXY_") || APP_LABELS.contains(label)) {
        continue;
      }
      Matcher m = PORT_LABEL.matcher(label);
      if (m.matches() && PORT_LABELS.contains(m.group(2))) {
        if (Integer.parseInt(m.group(1)) >= ports) {
          errors.add(error(label, "INVALID_VALUE", "the app has no port " + m.group(1)));
        }
      } else if (!MarathonLbDeployments.LABELS.contains(label)) {
        errors.add(
            error(
                label,
                "UNSUPPORTED_LABEL",
                "configures HAProxy itself (templates, options) or is not implemented by"
                    + " Gatehouse; the README lists the marathon-lb labels it serves"));
      }
    }
  }

  /** The older app's pool of a pair sends the newer app's pool for port n its share. */
  private static Pool withNewer(
      Pool pool, String framework, MarathonApp app, int n, MarathonLbDeployments.Place deployment) {
    MarathonApp peer = deployment.peer();
    if (!deployment.paired() || deployment.newer() || peer.ports().size() <= n) {
      return pool;
    }
    String peerPool =
        ProxyTranslator.baseName(framework, peer.id()) + "/" + peer.ports().get(n).servicePort();
    return pool.toBuilder()
        .setAbPool(
            io.gatehouse.api.policy.v1.AbPool.newBuilder()
                .setPoolRef(peerPool)
                .setRatio(MarathonLbDeployments.newerShare(app, peer)))
        .build();
  }

  private static Pool pool(
      ObjectMeta meta,
      String framework,
      String appId,
      int n,
      Map<String, String> labels,
      List<LabelError> errors) {
    Pool.Builder pool =
        Pool.newBuilder()
            .setMeta(meta)
            .setMarathonApp(
                MarathonAppMembers.newBuilder()
                    .setMarathonFramework(meta.getSource().getMarathonFramework())
                    .setAppId(appId)
                    .setPortIndex(n))
            .setLbAlgorithm(LbAlgorithm.LB_ALGORITHM_ROUND_ROBIN); // marathon-lb's default
    String balance = label(labels, n, "BALANCE");
    if (balance != null) {
      switch (balance.strip().toLowerCase(Locale.ROOT)) {
        case "roundrobin" -> pool.setLbAlgorithm(LbAlgorithm.LB_ALGORITHM_ROUND_ROBIN);
        case "leastconn" -> pool.setLbAlgorithm(LbAlgorithm.LB_ALGORITHM_LEAST_CONNECTIONS);
        case "source" -> sourceHash(pool);
        default ->
            errors.add(
                error(
                    portLabel(n, "BALANCE"),
                    "INVALID_VALUE",
                    "must be roundrobin, leastconn or source"));
      }
    }
    String sticky = label(labels, n, "STICKY");
    if (sticky != null && !sticky.equalsIgnoreCase("false")) {
      if (!sticky.equalsIgnoreCase("true")) {
        errors.add(error(portLabel(n, "STICKY"), "INVALID_VALUE", "must be true or false"));
      }
      sourceHash(pool); // a client stays on its member by its address
    }
    return pool.build();
  }

  private static void sourceHash(Pool.Builder pool) {
    pool.setLbAlgorithm(LbAlgorithm.LB_ALGORITHM_CONSISTENT_HASH)
        .setConsistentHash(ConsistentHash.newBuilder().setClientIp(true));
  }

  private static Protocol protocol(
      Map<String, String> labels, int n, boolean vhost, List<LabelError> errors) {
    String mode = label(labels, n, "MODE");
    if (mode == null) {
      return vhost ? Protocol.PROTOCOL_HTTP : Protocol.PROTOCOL_TCP; // as marathon-lb decides
    }
    switch (mode.strip().toLowerCase(Locale.ROOT)) {
      case "http":
        return Protocol.PROTOCOL_HTTP;
      case "tcp":
        if (vhost) {
          errors.add(
              error(
                  portLabel(n, "MODE"),
                  "INVALID_VALUE",
                  "tcp cannot go with HAPROXY_" + n + "_VHOST: host names are HTTP's"));
        }
        return Protocol.PROTOCOL_TCP;
      default:
        errors.add(error(portLabel(n, "MODE"), "INVALID_VALUE", "must be http or tcp"));
        return Protocol.PROTOCOL_TCP;
    }
  }

  private static int listenPort(
      Map<String, String> labels, int n, PortSpec port, List<LabelError> errors) {
    String value = label(labels, n, "PORT");
    if (value == null) {
      return port.servicePort();
    }
    try {
      int listen = Integer.parseInt(value.strip());
      if (listen >= 1 && listen <= 65535) {
        return listen;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(error(portLabel(n, "PORT"), "INVALID_VALUE", "must be a port 1 to 65535"));
    return 0;
  }

  private static VirtualService listener(
      ObjectMeta meta,
      String poolRef,
      String group,
      int port,
      Protocol protocol,
      Map<String, String> labels,
      int n,
      ProxySettings settings,
      List<LabelError> errors) {
    VirtualService.Builder vs =
        VirtualService.newBuilder()
            .setMeta(meta)
            .setPoolRef(poolRef)
            .addServices(Service.newBuilder().setPort(port).setProtocol(protocol));
    if (group.equals(MarathonLbSettings.INTERNAL)) {
      vs.setEastWest(true);
      if (port < settings.servicePortMin() || port > settings.servicePortMax()) {
        errors.add(
            error(
                portLabel(n, "PORT"),
                "SERVICE_PORT_OUTSIDE_RANGE",
                "service port "
                    + port
                    + " is outside the proxied range "
                    + settings.servicePortMin()
                    + "-"
                    + settings.servicePortMax()));
      }
    } else {
      String vip = settings.marathonLb().vips().get(group);
      if (vip == null) {
        errors.add(
            error(
                GROUP,
                "INVALID_VALUE",
                "group \""
                    + group
                    + "\" has no VIP here (gatehouse.discovery.proxy.marathon-lb-vips."
                    + group
                    + "); internal is served east-west"));
      } else {
        vs.setVip(Vip.newBuilder().setIpAddress(vip));
      }
    }
    redirect(vs, labels, n, errors);
    return vs.build();
  }

  private static VirtualService child(
      ObjectMeta meta,
      String poolRef,
      String group,
      String vhost,
      Protocol protocol,
      Map<String, String> labels,
      int n,
      ProxySettings settings,
      List<LabelError> errors) {
    String name = meta.getName() + "/vhost";
    VirtualService.Builder vs =
        VirtualService.newBuilder().setMeta(meta.toBuilder().setName(name)).setPoolRef(poolRef);
    String parent = settings.marathonLb().parents().get(group);
    if (parent == null) {
      errors.add(
          error(
              portLabel(n, "VHOST"),
              "INVALID_VALUE",
              "group \""
                  + group
                  + "\" has no virtual service for host names here"
                  + " (gatehouse.discovery.proxy.marathon-lb-parents."
                  + group
                  + ")"));
    } else {
      vs.setVhParentVsRef(parent);
    }
    for (String host : vhost.split(",")) {
      String domain = host.strip().toLowerCase(Locale.ROOT);
      if (!HostNames.domainClaim(domain)) {
        errors.add(
            error(
                portLabel(n, "VHOST"),
                "INVALID_VALUE",
                "must list host names such as shop.example.com or *.example.com, comma-separated"));
      }
      vs.addVhDomainNames(domain);
    }
    String path = label(labels, n, "PATH");
    if (path != null) {
      if (!path.startsWith("/") || path.length() > 1024) {
        errors.add(error(portLabel(n, "PATH"), "INVALID_VALUE", "must be a path starting with /"));
      }
      vs.setVhPathPrefix(path);
    }
    redirect(vs, labels, n, errors);
    return vs.build();
  }

  private static void redirect(
      VirtualService.Builder vs, Map<String, String> labels, int n, List<LabelError> errors) {
    String redirect = label(labels, n, "REDIRECT_TO_HTTPS");
    if (redirect == null) {
      return;
    }
    if (!redirect.equalsIgnoreCase("true") && !redirect.equalsIgnoreCase("false")) {
      errors.add(
          error(portLabel(n, "REDIRECT_TO_HTTPS"), "INVALID_VALUE", "must be true or false"));
    }
    vs.setRedirectToHttps(redirect.equalsIgnoreCase("true"));
  }

  private static String label(Map<String, String> labels, int n, String name) {
    return labels.get(portLabel(n, name));
  }

  private static String portLabel(int n, String name) {
    return "HAPROXY_" + n + "_" + name;
  }

  private static LabelError error(String label, String code, String message) {
    return new LabelError(label, "", code, message);
  }
}
