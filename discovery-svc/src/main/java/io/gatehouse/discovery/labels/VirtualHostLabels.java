package io.gatehouse.discovery.labels;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.common.net.HostNames;
import java.util.List;
import java.util.Locale;

/**
 * Virtual hosting from the avi_proxy label: {@code virtualservice.vh_parent_vs_ref} makes the app's
 * virtual service a child of that parent, serving the requests on the parent's listeners for the
 * host names in {@code vh_domain_name} (and, a Gatehouse addition, paths starting with {@code
 * vh_path_prefix}). A child has no listeners of its own, so the label fields that configure them
 * are refused rather than ignored.
 */
final class VirtualHostLabels {
  static final String PARENT = "vh_parent_vs_ref";
  static final String DOMAINS = "vh_domain_name";
  static final String PATH_PREFIX = "vh_path_prefix";

  /** Label fields a child cannot have: they belong to its parent's listeners. */
  private static final List<String> LISTENER_FIELDS =
      List.of(
          "services",
          "ip_address",
          "auto_allocate_ip",
          "subnet",
          "network_security_policy_ref",
          "se_group_ref");

  private VirtualHostLabels() {}

  /** {@code vs} without the fields a child cannot have (the label's are refused separately). */
  static JsonNode withoutListenerFields(JsonNode vs) {
    com.fasterxml.jackson.databind.node.ObjectNode copy =
        ((com.fasterxml.jackson.databind.node.ObjectNode) vs).deepCopy();
    copy.remove(LISTENER_FIELDS);
    return copy;
  }

  /** Whether the label's virtual service is a child. */
  static boolean isChild(JsonNode vs) {
    return vs.has(PARENT);
  }

  /**
   * Turns {@code out} into a child of the parent the label names, or reports why it cannot be one.
   *
   * @param label the label's own {@code virtualservice} object (not merged with defaults)
   * @param ports how many ports the app has: a child serves one
   * @param northSouth whether the app asks for a VIP ({@code FE-Proxy}), which a child cannot have
   */
  static void makeChild(
      JsonNode label,
      VirtualService.Builder out,
      LabelReferences references,
      int ports,
      boolean northSouth,
      List<LabelError> errors) {
    String parent = ProxyTranslator.refName(label.path(PARENT).asText(""));
    if (parent.isEmpty() || !label.get(PARENT).isTextual()) {
      errors.add(error(PARENT, "INVALID_VALUE", "must name the parent virtual service"));
    } else if (!references.allowsParent(parent)) {
      errors.add(
          error(
              PARENT,
              "REFERENCE_NOT_ALLOWED",
              "virtual service \""
                  + parent
                  + "\" is not one labels may attach children to"
                  + " (gatehouse.discovery.proxy.label-parents)"));
    }
    if (ports != 1) {
      errors.add(
          error(
              PARENT,
              "INVALID_VALUE",
              "a child service serves one port of its app, and this app has " + ports));
    }
    if (northSouth) {
      errors.add(
          new LabelError(
              ProxyTranslator.FE_PROXY,
              "",
              "INVALID_VALUE",
              "a child service (virtualservice.vh_parent_vs_ref) listens where its parent does:"
                  + " remove FE-Proxy"));
    }
    for (String field : LISTENER_FIELDS) {
      if (label.has(field)) {
        errors.add(
            error(
                field,
                "INVALID_VALUE",
                "a child service listens on its parent's listeners: set this on the parent"));
      }
    }
    out.clearServices().clearVip().setEastWest(false).setVhParentVsRef(parent);
    JsonNode domains = label.path(DOMAINS);
    if (!domains.isArray() || domains.isEmpty()) {
      errors.add(error(DOMAINS, "INVALID_VALUE", "must list the host names the app serves"));
    }
    int index = 0;
    for (JsonNode domain : domains) {
      String name = domain.isTextual() ? domain.asText().toLowerCase(Locale.ROOT) : "";
      if (!HostNames.domainClaim(name)) {
        errors.add(
            error(
                DOMAINS + "[" + index + "]",
                "INVALID_VALUE",
                "must be a host name such as shop.example.com or *.example.com"));
      }
      out.addVhDomainNames(name);
      index++;
    }
    if (label.has(PATH_PREFIX)) {
      out.setVhPathPrefix(label.get(PATH_PREFIX).asText(""));
    }
  }

  private static LabelError error(String field, String code, String message) {
    return new LabelError(ProxyTranslator.AVI_PROXY, "virtualservice." + field, code, message);
  }
}
