package io.gatehouse.discovery.labels;

import static io.gatehouse.discovery.labels.ProxyTranslator.AVI_PROXY;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.api.policy.v1.VirtualService;
import java.util.List;

/**
 * What an {@code avi_proxy} label's virtual service names of the operator's objects: certificates,
 * HTTP policy sets and an SE group, each taken only when the operator lets labels name it (any of
 * them can expose or reroute traffic that is not the app's own).
 */
final class AviProxyReferences {
  private AviProxyReferences() {}

  /** The certificates the label names, each one labels may refer to. */
  static void certificates(
      JsonNode vs, VirtualService.Builder out, LabelReferences allowed, List<LabelError> errors) {
    int index = 0;
    for (JsonNode ref : vs.path("ssl_key_and_certificate_refs")) {
      String name = ProxyTranslator.refName(ref.asText());
      if (allowed.allowsCertificate(name)) {
        out.addSslKeyAndCertificateRefs(name);
      } else {
        errors.add(notAllowed("ssl_key_and_certificate_refs[" + index + "]", "certificate", name));
      }
      index++;
    }
  }

  /**
   * {@code virtualservice.http_policies}, Avi's list of {@code {index, http_policy_set_ref}}: the
   * sets the operator lets labels apply, in ascending index order.
   */
  static void httpPolicySets(
      JsonNode vs, VirtualService.Builder out, LabelReferences allowed, List<LabelError> errors) {
    if (!vs.has("http_policies")) {
      return;
    }
    JsonNode list = vs.get("http_policies");
    if (!list.isArray() || list.size() > 16) {
      errors.add(
          new LabelError(
              AVI_PROXY,
              "virtualservice.http_policies",
              "INVALID_VALUE",
              "must be a list of at most 16 {index, http_policy_set_ref}"));
      return;
    }
    java.util.TreeMap<Long, String> byIndex = new java.util.TreeMap<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode entry = list.get(i);
      String at = "http_policies[" + i + "]";
      JsonNode ref = entry.path("http_policy_set_ref");
      JsonNode index = entry.path("index");
      if (!ref.isTextual()
          || ProxyTranslator.refName(ref.asText()).isEmpty()
          || !index.isIntegralNumber()) {
        errors.add(
            new LabelError(
                AVI_PROXY,
                "virtualservice." + at,
                "INVALID_VALUE",
                "must hold an integer index and an http_policy_set_ref"));
        continue;
      }
      String name = ProxyTranslator.refName(ref.asText());
      if (!allowed.allowsHttpPolicySet(name)) {
        errors.add(notAllowed(at + ".http_policy_set_ref", "HTTP policy set", name));
      } else if (byIndex.put(index.asLong(), name) != null) {
        errors.add(
            new LabelError(
                AVI_PROXY,
                "virtualservice." + at + ".index",
                "INVALID_VALUE",
                "index " + index.asLong() + " is used twice"));
      }
    }
    out.addAllHttpPolicySetRefs(byIndex.values());
  }

  /** The SE group the label names, when it is one labels may refer to. */
  static void seGroup(
      JsonNode vs, VirtualService.Builder out, LabelReferences allowed, List<LabelError> errors) {
    if (vs.hasNonNull("se_group_ref")) {
      String name = ProxyTranslator.refName(vs.get("se_group_ref").asText());
      if (allowed.allowsSeGroup(name)) {
        out.setSeGroupRef(name);
      } else {
        errors.add(notAllowed("se_group_ref", "SE group", name));
      }
    }
  }

  /** An object a label may not refer to: the operator allows labels a list of names. */
  private static LabelError notAllowed(String field, String kind, String name) {
    return new LabelError(
        AVI_PROXY,
        "virtualservice." + field,
        "REFERENCE_NOT_ALLOWED",
        kind
            + " \""
            + name
            + "\" is not one labels may refer to (gatehouse.discovery.proxy.label-"
            + switch (kind) {
              case "certificate" -> "certificates";
              case "HTTP policy set" -> "http-policy-sets";
              default -> "se-groups";
            }
            + ")");
  }
}
