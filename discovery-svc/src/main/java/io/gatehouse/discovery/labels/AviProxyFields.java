package io.gatehouse.discovery.labels;

import static io.gatehouse.discovery.labels.ProxyTranslator.AVI_PROXY;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which fields of Avi's schema the avi_proxy label may hold: those Gatehouse implements, metadata
 * that changes nothing, and the rest refused. A field that would change behaviour and is not
 * implemented is {@code UNSUPPORTED_FIELD}, never accepted and ignored; anything else unknown is
 * {@code UNKNOWN_FIELD}.
 */
final class AviProxyFields {
  static final String UNSUPPORTED = "UNSUPPORTED_FIELD";

  private static final Set<String> LABEL_KEYS = Set.of("virtualservice", "pool");
  private static final Set<String> VS_FIELDS =
      Set.of(
          "name",
          "ip_address",
          "auto_allocate_ip",
          "subnet",
          "services",
          "analytics_policy",
          "ssl_key_and_certificate_refs",
          "network_security_policy_ref",
          "se_group_ref",
          "http_policies",
          VirtualHostLabels.PARENT,
          VirtualHostLabels.DOMAINS,
          VirtualHostLabels.PATH_PREFIX);

  /** Avi fields that change no behaviour (metadata), accepted as such. */
  private static final Set<String> METADATA = Set.of("description", "cloud_ref");

  /**
   * Avi fields that would change behaviour and that Gatehouse does not implement: refused with
   * UNSUPPORTED_FIELD, so that nobody believes they are in effect. {@code tenant_ref} naming Avi's
   * only default tenant, {@code admin}, and {@code east_west_placement} saying what Gatehouse does
   * anyway (true exactly for east-west services) change nothing and are accepted.
   */
  private static final Set<String> VS_UNSUPPORTED =
      Set.of(
          "east_west_placement",
          "enable_rhi",
          "ssl_profile_ref",
          "application_profile_ref",
          "network_profile_ref",
          "vrf_context_ref",
          "tenant_ref",
          "fqdn",
          "dns_info");

  private static final Set<String> POOL_FIELDS =
      Set.of(
          "name",
          "lb_algorithm",
          "health_monitor_refs",
          "graceful_disable_timeout",
          "autoscale_policy_ref",
          "ab_pool",
          "member_protocol");
  private static final Set<String> POOL_UNSUPPORTED = Set.of("default_server_port", "tenant_ref");

  private AviProxyFields() {}

  /**
   * Reports every field of {@code label} that is not one Gatehouse reads or accepts; {@code
   * eastWest} is what the app's other labels make its virtual services.
   */
  static void check(JsonNode label, boolean eastWest, List<LabelError> errors) {
    for (String key : iterable(label)) {
      if (!LABEL_KEYS.contains(key)) {
        errors.add(
            new LabelError(
                AVI_PROXY, key, "UNKNOWN_FIELD", "unknown field; expected virtualservice or pool"));
      }
    }
    List<LabelError> found = new ArrayList<>();
    checkFields(label.path("virtualservice"), "virtualservice", VS_FIELDS, VS_UNSUPPORTED, found);
    checkFields(label.path("pool"), "pool", POOL_FIELDS, POOL_UNSUPPORTED, found);
    found.removeIf(
        e ->
            e.code().equals(UNSUPPORTED)
                && (inEffect(label, e.field(), "tenant_ref", AviProxyFields::adminTenant)
                    || inEffect(
                        label,
                        e.field(),
                        "east_west_placement",
                        v -> v.isBoolean() && v.asBoolean() == eastWest)));
    errors.addAll(found);
  }

  private static void checkFields(
      JsonNode object,
      String path,
      Set<String> known,
      Set<String> unsupported,
      List<LabelError> errors) {
    if (object.isMissingNode()) {
      return;
    }
    if (!object.isObject()) {
      errors.add(new LabelError(AVI_PROXY, path, "INVALID_VALUE", "must be a JSON object"));
      return;
    }
    for (String field : iterable(object)) {
      if (unsupported.contains(field)) {
        errors.add(
            new LabelError(
                AVI_PROXY,
                path + "." + field,
                UNSUPPORTED,
                "is not supported by Gatehouse and would change behaviour; remove it (the README"
                    + " lists the avi_proxy fields Gatehouse implements)"));
      } else if (!known.contains(field) && !METADATA.contains(field)) {
        errors.add(
            new LabelError(
                AVI_PROXY,
                path + "." + field,
                "UNKNOWN_FIELD",
                "unknown field; see the avi_proxy fields in the README"));
      }
    }
  }

  /**
   * Whether an unsupported field at {@code errorField} is {@code name} set to the one value that
   * says what Gatehouse does anyway, in either object of the label.
   */
  private static boolean inEffect(
      JsonNode label,
      String errorField,
      String name,
      java.util.function.Predicate<JsonNode> value) {
    for (String object : LABEL_KEYS) {
      if (errorField.equals(object + "." + name) && value.test(label.path(object).path(name))) {
        return true;
      }
    }
    return false;
  }

  /** Avi's default tenant, by name or reference ("admin", "/api/tenant?name=admin"). */
  private static boolean adminTenant(JsonNode ref) {
    String name = ref.isTextual() ? ProxyTranslator.refName(ref.asText()) : "";
    return name.equals("admin") || name.endsWith("/tenant/admin");
  }

  private static Iterable<String> iterable(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
