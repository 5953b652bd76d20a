package io.gatehouse.discovery.labels;

import static io.gatehouse.discovery.labels.ProxyTranslator.AVI_PROXY;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.api.policy.v1.LbAlgorithm;
import io.gatehouse.api.policy.v1.MarathonAppMembers;
import io.gatehouse.api.policy.v1.MemberProtocol;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.Pool;
import java.util.List;

/** The pool part of an app's {@code avi_proxy} label, as a Gatehouse pool of its tasks. */
final class AviProxyPool {
  private AviProxyPool() {}

  static Pool pool(
      JsonNode pool,
      ObjectMeta meta,
      String framework,
      String appId,
      int portIndex,
      LabelReferences references,
      List<LabelError> errors) {
    Pool.Builder out =
        Pool.newBuilder()
            .setMeta(meta.toBuilder().setName(pool.path("name").asText(meta.getName())))
            .setMarathonApp(
                MarathonAppMembers.newBuilder()
                    .setMarathonFramework(ProxyTranslator.frameworkName(framework))
                    .setAppId(appId)
                    .setPortIndex(portIndex));
    String algorithm = pool.path("lb_algorithm").asText();
    try {
      out.setLbAlgorithm(LbAlgorithm.valueOf(algorithm));
    } catch (IllegalArgumentException e) {
      errors.add(
          new LabelError(
              AVI_PROXY,
              "pool.lb_algorithm",
              "INVALID_VALUE",
              algorithm
                  + " is not supported; use LB_ALGORITHM_ROUND_ROBIN, _LEAST_CONNECTIONS, _FASTEST_RESPONSE or _CONSISTENT_HASH"));
    }
    for (JsonNode ref : pool.path("health_monitor_refs")) {
      out.addHealthMonitorRefs(ProxyTranslator.refName(ref.asText()));
    }
    if (pool.has("autoscale_policy_ref")) {
      out.setAutoscalePolicyRef(ProxyTranslator.refName(pool.get("autoscale_policy_ref").asText()));
    }
    if (pool.has("ab_pool")) {
      abPool(pool.get("ab_pool"), out, references, errors);
    }
    if (pool.has("member_protocol")) {
      String protocol = pool.get("member_protocol").asText("");
      switch (protocol) {
        case "MEMBER_PROTOCOL_HTTP1" -> out.setMemberProtocol(MemberProtocol.MEMBER_PROTOCOL_HTTP1);
        case "MEMBER_PROTOCOL_H2C" -> out.setMemberProtocol(MemberProtocol.MEMBER_PROTOCOL_H2C);
        default ->
            errors.add(
                new LabelError(
                    AVI_PROXY,
                    "pool.member_protocol",
                    "INVALID_VALUE",
                    "use MEMBER_PROTOCOL_HTTP1 or MEMBER_PROTOCOL_H2C (gRPC members)"));
      }
    }
    if (pool.has("graceful_disable_timeout")) {
      out.setDrainingTimeout(
          ProxyTranslator.minutes(pool.get("graceful_disable_timeout").asLong(0)));
    }
    return out.build();
  }

  /** {@code pool.ab_pool}: a pool the operator lets labels name, and its percent. */
  private static void abPool(
      JsonNode ab, Pool.Builder out, LabelReferences references, List<LabelError> errors) {
    String name = ProxyTranslator.refName(ab.path("pool_ref").asText(""));
    int ratio = ab.path("ratio").asInt(-1);
    if (name.isEmpty() || !ab.path("pool_ref").isTextual()) {
      errors.add(
          new LabelError(AVI_PROXY, "pool.ab_pool.pool_ref", "INVALID_VALUE", "name the B pool"));
    } else if (!references.allowsAbPool(name)) {
      errors.add(
          new LabelError(
              AVI_PROXY,
              "pool.ab_pool.pool_ref",
              "REFERENCE_NOT_ALLOWED",
              "pool \""
                  + name
                  + "\" is not one labels may send traffic to"
                  + " (gatehouse.discovery.proxy.label-ab-pools)"));
    }
    if (!ab.path("ratio").isIntegralNumber() || ratio < 0 || ratio > 100) {
      errors.add(
          new LabelError(
              AVI_PROXY, "pool.ab_pool.ratio", "INVALID_VALUE", "must be a percent, 0 to 100"));
    }
    out.setAbPool(
        io.gatehouse.api.policy.v1.AbPool.newBuilder()
            .setPoolRef(name)
            .setRatio(Math.max(0, ratio))
            .setSticky(ab.path("sticky").asBoolean(false)));
  }
}
