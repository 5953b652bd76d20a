package io.gatehouse.discovery.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.discovery.marathon.AppParser;
import io.gatehouse.discovery.marathon.MarathonApp;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VirtualHostLabelsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ProxyTranslator translator =
      new ProxyTranslator(
          new ProxySettings(
              Set.of(80, 8080),
              10000,
              20000,
              new LabelReferences(Set.of("shop-cert"), Set.of(), Set.of("front"))));

  @Test
  void anAppBecomesAChildServiceClaimingItsHostNamesOnTheParent() throws Exception {
    String label =
        "{\"virtualservice\": {\"vh_parent_vs_ref\": \"/api/virtualservice?name=front\","
            + " \"vh_domain_name\": [\"Shop.Example.com\", \"*.shop.example.com\"],"
            + " \"vh_path_prefix\": \"/store\","
            + " \"ssl_key_and_certificate_refs\": [\"shop-cert\"]}}";

    ProxyTranslator.Result result =
        translator.translate("default", app("/shop", 1, Map.of("avi_proxy", label)));

    assertThat(result.errors()).isEmpty();
    VirtualService child = result.virtualServices().get(0);
    assertThat(child.getVhParentVsRef()).isEqualTo("front");
    assertThat(child.getVhDomainNamesList())
        .containsExactly("shop.example.com", "*.shop.example.com");
    assertThat(child.getVhPathPrefix()).isEqualTo("/store");
    assertThat(child.getServicesList()).isEmpty();
    assertThat(child.hasVip()).isFalse();
    assertThat(child.getEastWest()).isFalse();
    assertThat(child.getSslKeyAndCertificateRefsList()).containsExactly("shop-cert");
    assertThat(child.getPoolRef()).isEqualTo(result.pools().get(0).getMeta().getName());
  }

  @Test
  void aChildOfAParentLabelsMayNotNameOrWithListenerSettingsIsRefusedFieldByField()
      throws Exception {
    String label =
        "{\"virtualservice\": {\"vh_parent_vs_ref\": \"bank\", \"vh_domain_name\": [\"bank.example.com\", \"a b\"],"
            + " \"services\": [{\"port\": 443}], \"se_group_ref\": \"edge\"}}";

    ProxyTranslator.Result result =
        translator.translate(
            "default", app("/thief", 2, Map.of("avi_proxy", label, "FE-Proxy", "yes")));

    assertThat(result.virtualServices()).isEmpty();
    assertThat(result.errors())
        .extracting(LabelError::label, LabelError::field, LabelError::code)
        .containsExactlyInAnyOrder(
            tuple("avi_proxy", "virtualservice.vh_parent_vs_ref", "REFERENCE_NOT_ALLOWED"),
            tuple("avi_proxy", "virtualservice.vh_parent_vs_ref", "INVALID_VALUE"),
            tuple("FE-Proxy", "", "INVALID_VALUE"),
            tuple("avi_proxy", "virtualservice.services", "INVALID_VALUE"),
            tuple("avi_proxy", "virtualservice.se_group_ref", "INVALID_VALUE"),
            tuple("avi_proxy", "virtualservice.vh_domain_name[1]", "INVALID_VALUE"));
  }

  @Test
  void aChildNeedsHostNames() throws Exception {
    String label = "{\"virtualservice\": {\"vh_parent_vs_ref\": \"front\"}}";

    ProxyTranslator.Result result =
        translator.translate("default", app("/bare", 1, Map.of("avi_proxy", label)));

    assertThat(result.errors())
        .extracting(LabelError::field)
        .containsExactly("virtualservice.vh_domain_name");
  }

  private static MarathonApp app(String id, int ports, Map<String, String> labels)
      throws Exception {
    ObjectNode app = JSON.createObjectNode().put("id", id);
    app.putArray("networks").addObject().put("mode", "host");
    var definitions = app.putArray("portDefinitions");
    for (int i = 0; i < ports; i++) {
      definitions.addObject().put("port", 10100 + i);
    }
    ObjectNode labelNode = app.putObject("labels");
    labels.forEach(labelNode::put);
    return AppParser.parse(app);
  }
}
