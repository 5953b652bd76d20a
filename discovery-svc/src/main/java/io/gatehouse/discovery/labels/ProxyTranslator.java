package io.gatehouse.discovery.labels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Duration;
import io.gatehouse.api.policy.v1.AnalyticsPolicy;
import io.gatehouse.api.policy.v1.ClientInsights;
import io.gatehouse.api.policy.v1.FullClientLogs;
import io.gatehouse.api.policy.v1.MetricsRealtimeUpdate;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.ObjectSource;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.Vip;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.discovery.marathon.MarathonApp;
import io.gatehouse.discovery.marathon.PortSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an app and its proxy labels into the virtual services and pools policy-svc keeps for it:
 * one pool (members: the app's tasks on that port) and, unless {@code proxy_listener} is "no", one
 * virtual service per service port. Without labels a service is east-west on its service port, HTTP
 * when its container port is an HTTP port, TCP otherwise, UDP for udp ports. {@code FE-Proxy: yes}
 * makes it north-south on a VIP. The {@code avi_proxy} label (Avi's REST schema) is merged over
 * these defaults. Any error in the labels yields errors and no objects: the app's objects in
 * policy-svc stay as they were, and no other app is affected.
 */
public final class ProxyTranslator {
  static final String AVI_PROXY = "avi_proxy";
  static final String FE_PROXY = "FE-Proxy";
  static final String PROXY_LISTENER = "proxy_listener";

  /** Labels come from whoever may post apps: bounded before they are parsed. */
  static final int MAX_LABEL_CHARS = 64 * 1024;

  /** Avi's schema nests a few levels deep; a label nested deeper is refused while parsed. */
  static final int MAX_LABEL_DEPTH = 32;

  private static final ObjectMapper JSON =
      new ObjectMapper(
          com.fasterxml.jackson.core.JsonFactory.builder()
              .streamReadConstraints(
                  com.fasterxml.jackson.core.StreamReadConstraints.builder()
                      .maxNestingDepth(MAX_LABEL_DEPTH)
                      .build())
              .build());

  /** The objects for one app, or the errors that prevent them. */
  public record Result(
      List<VirtualService> virtualServices, List<Pool> pools, List<LabelError> errors) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  // a translation under way when the service ports change may see the old ones: every app is
  // translated again after a change (PolicyWriter.retranslate)
  private volatile ProxySettings settings;

  public ProxyTranslator(ProxySettings settings) {
    this.settings = settings;
  }

  /** The settings apps are translated with now. */
  public ProxySettings settings() {
    return settings;
  }

  /** Proxies the service ports {@code min}-{@code max} east-west from now on. */
  public void useServicePorts(int min, int max) {
    settings = settings.withServicePorts(min, max);
  }

  /**
   * The objects for {@code app} of Marathon instance {@code framework} ("" or "default": the
   * default).
   */
  public Result translate(String framework, MarathonApp app) {
    return translate(framework, app, List.of());
  }

  /**
   * As {@link #translate(String, MarathonApp)}, with {@code others}: the apps that share the app's
   * marathon-lb deployment group (see {@link #deploymentGroup}), whose pair it may be part of.
   */
  public Result translate(String framework, MarathonApp app, List<MarathonApp> others) {
    if (MarathonLbLabels.applies(app)) {
      return MarathonLbLabels.translate(framework, app, settings, others);
    }
    List<LabelError> errors = new ArrayList<>();
    JsonNode label = aviProxy(app, errors);
    if (!errors.isEmpty()) {
      return new Result(List.of(), List.of(), errors);
    }
    boolean northSouth = yes(app.labels().get(FE_PROXY));
    boolean listener = !no(app.labels().get(PROXY_LISTENER));
    List<PortSpec> ports =
        app.ports().stream().filter(p -> p.servicePort() > 0 || northSouth).toList();
    List<VirtualService> services = new ArrayList<>();
    List<Pool> pools = new ArrayList<>();
    for (PortSpec port : ports) {
      String name = baseName(framework, app.id()) + "/" + port.servicePort();
      ObjectMeta meta = meta(framework, app.id(), name);
      ObjectNode poolDefaults =
          JSON.createObjectNode()
              .put("name", name)
              .put("lb_algorithm", "LB_ALGORITHM_LEAST_CONNECTIONS");
      JsonNode poolJson = JsonMerge.merge(poolDefaults, label.path("pool"));
      Pool pool =
          AviProxyPool.pool(
              poolJson, meta, framework, app.id(), port.index(), settings.references(), errors);
      pools.add(pool);
      if (!listener) {
        continue;
      }
      ObjectNode vsDefaults = JSON.createObjectNode().put("name", name);
      vsDefaults
          .putArray("services")
          .addObject()
          .put("port", port.servicePort())
          .put("enable_ssl", false);
      JsonNode vsJson = JsonMerge.merge(vsDefaults, label.path("virtualservice"));
      if (ports.size() > 1 && label.path("virtualservice").has("name")) {
        ((ObjectNode) vsJson).put("name", vsJson.get("name").asText() + "-" + port.servicePort());
      }
      JsonNode vsLabel = label.path("virtualservice");
      if (VirtualHostLabels.isChild(vsLabel)) {
        vsJson = VirtualHostLabels.withoutListenerFields(vsJson); // refused on their own
      }
      VirtualService.Builder vs =
          virtualService(
              vsJson,
              meta,
              pool.getMeta().getName(),
              protocol(port),
              northSouth && !VirtualHostLabels.isChild(vsLabel),
              errors);
      if (VirtualHostLabels.isChild(vsLabel)) {
        VirtualHostLabels.makeChild(
            vsLabel, vs, settings.references(), ports.size(), northSouth, errors);
      }
      services.add(vs.build());
    }
    if (!errors.isEmpty()) {
      // each port's objects meet the same label: one error per label field is enough
      return new Result(List.of(), List.of(), errors.stream().distinct().toList());
    }
    return new Result(services, pools, List.of());
  }

  private JsonNode aviProxy(MarathonApp app, List<LabelError> errors) {
    String text = app.labels().get(AVI_PROXY);
    if (text == null || text.isBlank()) {
      return JSON.createObjectNode();
    }
    if (text.length() > MAX_LABEL_CHARS) {
      errors.add(
          new LabelError(
              AVI_PROXY,
              "",
              "INVALID_VALUE",
              "is " + text.length() + " characters long; at most " + MAX_LABEL_CHARS));
      return null;
    }
    JsonNode label;
    try {
      label = JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      errors.add(
          new LabelError(AVI_PROXY, "", "INVALID_JSON", "is not JSON: " + e.getOriginalMessage()));
      return null;
    }
    if (!label.isObject()) {
      errors.add(
          new LabelError(
              AVI_PROXY,
              "",
              "INVALID_JSON",
              "must be a JSON object with virtualservice and/or pool"));
      return null;
    }
    AviProxyFields.check(label, !yes(app.labels().get(FE_PROXY)), errors);
    return label;
  }

  private VirtualService.Builder virtualService(
      JsonNode vs,
      ObjectMeta meta,
      String pool,
      Protocol protocol,
      boolean northSouth,
      List<LabelError> errors) {
    String name = vs.path("name").asText(meta.getName());
    VirtualService.Builder out =
        VirtualService.newBuilder()
            .setMeta(meta.toBuilder().setName(name))
            .setEastWest(!northSouth)
            .setPoolRef(pool);
    int index = 0;
    for (JsonNode service : vs.path("services")) {
      String at = "virtualservice.services[" + index++ + "]";
      int port = service.path("port").asInt(-1);
      if (port < 1 || port > 65535) {
        errors.add(
            new LabelError(AVI_PROXY, at + ".port", "INVALID_VALUE", "must be a port 1 to 65535"));
        continue;
      }
      if (!northSouth && (port < settings.servicePortMin() || port > settings.servicePortMax())) {
        errors.add(
            new LabelError(
                AVI_PROXY,
                at + ".port",
                "SERVICE_PORT_OUTSIDE_RANGE",
                "service port "
                    + port
                    + " is outside the proxied range "
                    + settings.servicePortMin()
                    + "-"
                    + settings.servicePortMax()));
      }
      out.addServices(
          Service.newBuilder()
              .setPort(port)
              .setProtocol(protocol)
              .setEnableSsl(service.path("enable_ssl").asBoolean(false)));
    }
    if (northSouth) {
      out.setVip(vip(vs, errors));
    }
    AviProxyReferences.certificates(vs, out, settings.references(), errors);
    if (vs.hasNonNull("network_security_policy_ref")) {
      out.setNetworkSecurityPolicyRef(refName(vs.get("network_security_policy_ref").asText()));
    }
    AviProxyReferences.seGroup(vs, out, settings.references(), errors);
    AviProxyReferences.httpPolicySets(vs, out, settings.references(), errors);
    if (vs.has("analytics_policy")) {
      out.setAnalyticsPolicy(analytics(vs.get("analytics_policy"), errors));
    }
    return out;
  }

  private static Vip vip(JsonNode vs, List<LabelError> errors) {
    String address = vs.path("ip_address").path("addr").asText("");
    if (!address.isEmpty()) {
      return Vip.newBuilder().setIpAddress(address).build();
    }
    if (vs.path("auto_allocate_ip").asBoolean(false)) {
      JsonNode subnet = vs.path("subnet");
      String cidr =
          subnet.isTextual()
              ? subnet.asText()
              : subnet.path("ip_addr").path("addr").asText("")
                  + "/"
                  + subnet.path("mask").asInt(32);
      return Vip.newBuilder().setAutoAllocate(true).setSubnet(cidr).build();
    }
    errors.add(
        new LabelError(
            FE_PROXY,
            "virtualservice.ip_address",
            "VIP_REQUIRED",
            "FE-Proxy needs a VIP: set virtualservice.ip_address.addr, or auto_allocate_ip with a subnet, in avi_proxy"));
    return Vip.getDefaultInstance();
  }

  private static AnalyticsPolicy analytics(JsonNode policy, List<LabelError> errors) {
    AnalyticsPolicy.Builder out = AnalyticsPolicy.newBuilder();
    JsonNode realtime = policy.path("metrics_realtime_update");
    if (!realtime.isMissingNode()) {
      out.setMetricsRealtimeUpdate(
          MetricsRealtimeUpdate.newBuilder()
              .setEnabled(realtime.path("enabled").asBoolean(false))
              .setDuration(minutes(realtime.path("duration").asLong(0))));
    }
    JsonNode full = policy.path("full_client_logs");
    if (!full.isMissingNode()) {
      out.setFullClientLogs(
          FullClientLogs.newBuilder()
              .setEnabled(full.path("enabled").asBoolean(false))
              .setDuration(minutes(full.path("duration").asLong(0))));
    }
    if (policy.has("client_insights")) {
      String insights = policy.get("client_insights").asText();
      if (insights.equals("NO_INSIGHTS") || insights.equals("PASSIVE")) {
        out.setClientInsights(ClientInsights.valueOf("CLIENT_INSIGHTS_" + insights));
      } else {
        errors.add(
            new LabelError(
                AVI_PROXY,
                "virtualservice.analytics_policy.client_insights",
                "INVALID_VALUE",
                insights.equals("ACTIVE")
                    ? "ACTIVE is not supported: engines learn of clients only from their traffic,"
                        + " never by probing them; use PASSIVE or NO_INSIGHTS"
                    : "must be NO_INSIGHTS or PASSIVE"));
      }
    }
    return out.build();
  }

  private Protocol protocol(PortSpec port) {
    if (port.protocol().equals("udp")) {
      return Protocol.PROTOCOL_UDP;
    }
    int matched = port.containerPort() > 0 ? port.containerPort() : port.servicePort();
    return settings.httpContainerPorts().contains(matched)
        ? Protocol.PROTOCOL_HTTP
        : Protocol.PROTOCOL_TCP;
  }

  static ObjectMeta meta(String framework, String appId, String name) {
    return ObjectMeta.newBuilder()
        .setName(name)
        .setSource(
            ObjectSource.newBuilder()
                .setKind(ObjectSource.Kind.KIND_MARATHON_APP)
                .setMarathonAppId(appId)
                .setMarathonFramework(frameworkName(framework)))
        .build();
  }

  /**
   * The marathon-lb blue/green deployment group {@code app} belongs to ("/shop/web" for {@code
   * HAPROXY_DEPLOYMENT_GROUP=web} of an app in /shop); null when none.
   */
  public static String deploymentGroup(MarathonApp app) {
    return MarathonLbLabels.applies(app) ? MarathonLbDeployments.groupId(app) : null;
  }

  /**
   * The order apps are written in so that what one refers to exists first: the newer app of a
   * blue/green pair (whose pool the older one's refers to) before the older one.
   */
  public static final java.util.Comparator<MarathonApp> WRITE_ORDER =
      java.util.Comparator.comparing(MarathonLbDeployments::startedAt).reversed();

  /** "/shop/web" becomes "shop/web"; apps of other Marathon instances carry its name first. */
  static String baseName(String framework, String appId) {
    String base = appId.startsWith("/") ? appId.substring(1) : appId;
    String name = frameworkName(framework);
    return name.isEmpty() ? base : name + "/" + base;
  }

  static String frameworkName(String framework) {
    return framework == null || framework.equals("default") ? "" : framework;
  }

  /** Avi references are URLs such as /api/pool?name=web; a plain name is taken as is. */
  static String refName(String ref) {
    int at = ref.indexOf("name=");
    String name = at >= 0 ? ref.substring(at + 5) : ref;
    int amp = name.indexOf('&');
    return amp >= 0 ? name.substring(0, amp) : name;
  }

  static Duration minutes(long minutes) {
    return Duration.newBuilder().setSeconds(minutes * 60).build();
  }

  private static boolean yes(String value) {
    return value != null && (value.equalsIgnoreCase("yes") || value.equalsIgnoreCase("true"));
  }

  private static boolean no(String value) {
    return value != null && (value.equalsIgnoreCase("no") || value.equalsIgnoreCase("false"));
  }
}
