package io.gatehouse.discovery.labels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.api.policy.v1.ClientInsights;
import io.gatehouse.api.policy.v1.LbAlgorithm;
import io.gatehouse.api.policy.v1.ObjectSource;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.discovery.marathon.AppParser;
import io.gatehouse.discovery.marathon.MarathonApp;
import io.gatehouse.testsupport.SharedFixtures;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxyTranslatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ProxyTranslator translator =
      new ProxyTranslator(
          new ProxySettings(
              Set.of(80, 8080),
              10000,
              20000,
              new LabelReferences(Set.of("shop-cert"), Set.of("edge"))));

  @Test
  void anAppWithoutLabelsIsEastWestOnEachServicePortWithAPoolOfItsTasks() throws Exception {
    MarathonApp app =
        app(
            "{\"id\": \"/shop/web\", \"networks\": [{\"mode\": \"container/bridge\"}], \"container\": {\"portMappings\": ["
                + "{\"containerPort\": 80, \"servicePort\": 10001}, {\"containerPort\": 9000, \"servicePort\": 10002},"
                + "{\"containerPort\": 53, \"servicePort\": 10003, \"protocol\": \"udp\"}]}}",
            Map.of());

    ProxyTranslator.Result result = translator.translate("default", app);

    assertThat(result.errors()).isEmpty();
    assertThat(result.virtualServices())
        .extracting(v -> v.getMeta().getName())
        .containsExactly("shop/web/10001", "shop/web/10002", "shop/web/10003");
    assertThat(result.virtualServices())
        .extracting(v -> v.getServices(0).getProtocol())
        .containsExactly(Protocol.PROTOCOL_HTTP, Protocol.PROTOCOL_TCP, Protocol.PROTOCOL_UDP);
    VirtualService first = result.virtualServices().get(0);
    assertThat(first.getEastWest()).isTrue();
    assertThat(first.getServices(0).getPort()).isEqualTo(10001);
    assertThat(first.getPoolRef()).isEqualTo("shop/web/10001");
    assertThat(first.getMeta().getSource().getKind())
        .isEqualTo(ObjectSource.Kind.KIND_MARATHON_APP);
    assertThat(first.getMeta().getSource().getMarathonAppId()).isEqualTo("/shop/web");
    Pool pool = result.pools().get(1);
    assertThat(pool.getMarathonApp().getAppId()).isEqualTo("/shop/web");
    assertThat(pool.getMarathonApp().getPortIndex()).isEqualTo(1);
    assertThat(pool.getLbAlgorithm()).isEqualTo(LbAlgorithm.LB_ALGORITHM_LEAST_CONNECTIONS);
  }

  @Test
  void labelsReferToTheCertificatesAndSeGroupsTheOperatorAllowsAndNoOthers() throws Exception {
    String label =
        "{\"virtualservice\": {\"ssl_key_and_certificate_refs\": [\"/api/sslkeyandcertificate?name=shop-cert\","
            + " \"/api/sslkeyandcertificate?name=bank-cert\"], \"se_group_ref\": \"/api/serviceenginegroup?name=payments\"}}";
    MarathonApp app = app(hostApp("/api", 10010), Map.of("avi_proxy", label));

    ProxyTranslator.Result result = translator.translate("default", app);

    assertThat(result.errors())
        .extracting(LabelError::label, LabelError::field, LabelError::code)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "avi_proxy",
                "virtualservice.ssl_key_and_certificate_refs[1]",
                "REFERENCE_NOT_ALLOWED"),
            org.assertj.core.groups.Tuple.tuple(
                "avi_proxy", "virtualservice.se_group_ref", "REFERENCE_NOT_ALLOWED"));
    assertThat(result.errors().get(0).message())
        .isEqualTo(
            "certificate \"bank-cert\" is not one labels may refer to"
                + " (gatehouse.discovery.proxy.label-certificates)");

    ProxyTranslator anything =
        new ProxyTranslator(
            new ProxySettings(
                Set.of(80, 8080), 10000, 20000, new LabelReferences(Set.of("*"), Set.of("*"))));
    assertThat(anything.translate("default", app).errors()).isEmpty();
    ProxyTranslator nothing =
        new ProxyTranslator(new ProxySettings(Set.of(80, 8080), 10000, 20000));
    assertThat(nothing.translate("default", app).errors()).hasSize(3);
  }

  @Test
  void aviProxyIsMergedOverTheDefaults() throws Exception {
    String label =
        "{\"virtualservice\": {\"analytics_policy\": {\"client_insights\": \"NO_INSIGHTS\", \"full_client_logs\": {\"enabled\": true}},"
            + " \"ssl_key_and_certificate_refs\": [\"/api/sslkeyandcertificate?name=shop-cert\"], \"east_west_placement\": true},"
            + " \"pool\": {\"lb_algorithm\": \"LB_ALGORITHM_ROUND_ROBIN\", \"health_monitor_refs\": [\"/api/healthmonitor?name=hm\"],"
            + " \"autoscale_policy_ref\": \"/api/autoscalepolicy?name=web-rps\"}}";
    MarathonApp app = app(hostApp("/api", 10010), Map.of("avi_proxy", label));

    ProxyTranslator.Result result = translator.translate("default", app);

    assertThat(result.errors()).isEmpty();
    VirtualService vs = result.virtualServices().get(0);
    assertThat(vs.getAnalyticsPolicy().getClientInsights())
        .isEqualTo(ClientInsights.CLIENT_INSIGHTS_NO_INSIGHTS);
    assertThat(vs.getAnalyticsPolicy().getFullClientLogs().getEnabled()).isTrue();
    assertThat(vs.getSslKeyAndCertificateRefsList()).containsExactly("shop-cert");
    assertThat(vs.getServices(0).getPort()).isEqualTo(10010); // kept from the defaults
    assertThat(result.pools().get(0).getLbAlgorithm())
        .isEqualTo(LbAlgorithm.LB_ALGORITHM_ROUND_ROBIN);
    assertThat(result.pools().get(0).getHealthMonitorRefsList()).containsExactly("hm");
    assertThat(result.pools().get(0).getAutoscalePolicyRef()).isEqualTo("web-rps");
  }

  @Test
  void labelErrorsAreReportedPreciselyAndProduceNoObjects() throws Exception {
    assertThat(errorCodes(Map.of("avi_proxy", "{not json"))).containsExactly("INVALID_JSON");
    assertThat(errors(Map.of("avi_proxy", "{\"virtualservice\": {\"colour\": \"blue\"}}")))
        .extracting(LabelError::field)
        .containsExactly("virtualservice.colour");
    assertThat(errorCodes(Map.of("FE-Proxy", "yes"))).containsExactly("VIP_REQUIRED");
    assertThat(
            errorCodes(
                Map.of("avi_proxy", "{\"pool\": {\"lb_algorithm\": \"LB_ALGORITHM_MAGIC\"}}")))
        .containsExactly("INVALID_VALUE");
    assertThat(
            errorCodes(
                Map.of("avi_proxy", "{\"virtualservice\": {\"services\": [{\"port\": 80}]}}")))
        .containsExactly("SERVICE_PORT_OUTSIDE_RANGE");
    assertThat(
            errors(
                Map.of(
                    "avi_proxy",
                    "{\"virtualservice\": {\"analytics_policy\": {\"client_insights\": \"ACTIVE\"}}}")))
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.field())
                  .isEqualTo("virtualservice.analytics_policy.client_insights");
              assertThat(error.code()).isEqualTo("INVALID_VALUE");
              assertThat(error.message()).startsWith("ACTIVE is not supported");
            });
  }

  @Test
  void aviFieldsGatehouseDoesNotImplementAreRefusedNamingTheirPathAndMetadataIsAccepted()
      throws Exception {
    String label =
        "{\"virtualservice\": {\"fqdn\": \"shop.example.com\", \"application_profile_ref\": \"http2\","
            + " \"tenant_ref\": \"/api/tenant?name=admin\", \"east_west_placement\": false,"
            + " \"description\": \"the shop\", \"cloud_ref\": \"/api/cloud?name=mesos\"},"
            + " \"pool\": {\"tenant_ref\": \"team-b\"}}";

    assertThat(errors(Map.of("avi_proxy", label)))
        .extracting(LabelError::field, LabelError::code)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("virtualservice.fqdn", "UNSUPPORTED_FIELD"),
            org.assertj.core.groups.Tuple.tuple(
                "virtualservice.application_profile_ref", "UNSUPPORTED_FIELD"),
            org.assertj.core.groups.Tuple.tuple(
                "virtualservice.east_west_placement", "UNSUPPORTED_FIELD"),
            org.assertj.core.groups.Tuple.tuple("pool.tenant_ref", "UNSUPPORTED_FIELD"));

    String harmless =
        "{\"virtualservice\": {\"tenant_ref\": \"admin\", \"east_west_placement\": true,"
            + " \"description\": \"the shop\"}}";
    assertThat(
            translator
                .translate("default", app(hostApp("/fine", 10041), Map.of("avi_proxy", harmless)))
                .errors())
        .isEmpty();
  }

  @Test
  void aPoolSendsItsShareToABPoolTheOperatorAllows() throws Exception {
    ProxyTranslator allowing =
        new ProxyTranslator(
            new ProxySettings(
                Set.of(80, 8080),
                10000,
                20000,
                new LabelReferences(Set.of(), Set.of(), Set.of(), Set.of("shop/v2/10050"))));
    String label =
        "{\"pool\": {\"ab_pool\": {\"pool_ref\": \"/api/pool?name=shop/v2/10050\", \"ratio\": 10}}}";

    ProxyTranslator.Result result =
        allowing.translate("default", app(hostApp("/shop", 10049), Map.of("avi_proxy", label)));

    assertThat(result.errors()).isEmpty();
    assertThat(result.pools().get(0).getAbPool().getPoolRef()).isEqualTo("shop/v2/10050");
    assertThat(result.pools().get(0).getAbPool().getRatio()).isEqualTo(10);
    String tooMuch = "{\"pool\": {\"ab_pool\": {\"pool_ref\": \"shop/v2/10050\", \"ratio\": 250}}}";
    assertThat(
            allowing
                .translate("default", app(hostApp("/shop", 10049), Map.of("avi_proxy", tooMuch)))
                .errors())
        .extracting(LabelError::field)
        .containsExactly("pool.ab_pool.ratio");
  }

  @Test
  void httpPoliciesApplyTheSetsTheOperatorAllowsInIndexOrder() throws Exception {
    ProxyTranslator allowing =
        new ProxyTranslator(
            new ProxySettings(
                Set.of(80, 8080),
                10000,
                20000,
                new LabelReferences(
                    Set.of(), Set.of(), Set.of(), Set.of(), Set.of("headers", "canary"))));
    String label =
        "{\"virtualservice\": {\"http_policies\": ["
            + "{\"index\": 20, \"http_policy_set_ref\": \"/api/httppolicyset?name=headers\"},"
            + "{\"index\": 10, \"http_policy_set_ref\": \"canary\"}]}}";

    ProxyTranslator.Result result =
        allowing.translate("default", app(hostApp("/shop", 10051), Map.of("avi_proxy", label)));

    assertThat(result.errors()).isEmpty();
    assertThat(result.virtualServices().get(0).getHttpPolicySetRefsList())
        .containsExactly("canary", "headers");
    String other =
        "{\"virtualservice\": {\"http_policies\": [{\"index\": 1, \"http_policy_set_ref\":"
            + " \"admin-routes\"}]}}";
    ProxyTranslator.Result refused =
        allowing.translate("default", app(hostApp("/shop", 10051), Map.of("avi_proxy", other)));
    assertThat(refused.errors())
        .extracting(LabelError::field, LabelError::code)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "virtualservice.http_policies[0].http_policy_set_ref", "REFERENCE_NOT_ALLOWED"));
    assertThat(refused.errors().get(0).message()).contains("label-http-policy-sets");
  }

  @Test
  void proxyListenerNoKeepsThePoolWithoutAListener() throws Exception {
    ProxyTranslator.Result result =
        translator.translate(
            "default", app(hostApp("/b-pool", 10020), Map.of("proxy_listener", "no")));

    assertThat(result.virtualServices()).isEmpty();
    assertThat(result.pools()).hasSize(1);
  }

  @Test
  void appsOfAnotherMarathonInstanceAreNamedAfterIt() throws Exception {
    ProxyTranslator.Result result =
        translator.translate("analytics", app(hostApp("/etl", 10030), Map.of()));

    assertThat(result.pools().get(0).getMeta().getName()).isEqualTo("analytics/etl/10030");
    assertThat(result.pools().get(0).getMarathonApp().getMarathonFramework())
        .isEqualTo("analytics");
  }

  @Test
  void theAviGuideAppsTranslateAsTheGuidesDescribe() throws Exception {
    var guides = SharedFixtures.require("avi-guides");

    VirtualService eastWest = single(guides.resolve("east-west-webappew1.json"));
    assertThat(eastWest.getEastWest()).isTrue();
    assertThat(eastWest.getServices(0).getProtocol()).isEqualTo(Protocol.PROTOCOL_HTTP);
    assertThat(eastWest.getAnalyticsPolicy().getClientInsights())
        .isEqualTo(ClientInsights.CLIENT_INSIGHTS_NO_INSIGHTS);
    assertThat(eastWest.getAnalyticsPolicy().getFullClientLogs().getEnabled()).isTrue();

    VirtualService inside = single(guides.resolve("north-south-inside-vip-webapp.json"));
    assertThat(inside.getEastWest()).isFalse();
    assertThat(inside.getVip().getIpAddress()).isEqualTo("10.90.28.250");
    assertThat(inside.getServices(0).getPort()).isEqualTo(80);

    VirtualService outside = single(guides.resolve("north-south-outside-vip-webapp.json"));
    assertThat(outside.getVip().getIpAddress()).isEqualTo("20.20.20.20");

    VirtualService mongo = single(guides.resolve("tcp-mongodb-service-port-27017.json"));
    assertThat(mongo.getServices(0).getProtocol()).isEqualTo(Protocol.PROTOCOL_TCP);
    assertThat(mongo.getServices(0).getPort()).isEqualTo(27017);
  }

  private VirtualService single(java.nio.file.Path guide) throws Exception {
    ObjectNode definition = (ObjectNode) JSON.readTree(Files.readString(guide));
    ObjectNode mapping =
        (ObjectNode) definition.path("container").path("docker").path("portMappings").get(0);
    if (mapping.path("servicePort").asInt(0) == 0) {
      mapping.put("servicePort", 10001); // what Marathon would assign
    }
    ProxyTranslator.Result result =
        new ProxyTranslator(new ProxySettings(Set.of(80, 8080), 10000, 30000))
            .translate(
                "default",
                AppParser.parse(definition.put("id", "/" + definition.get("id").asText())));
    assertThat(result.errors()).as(guide.toString()).isEmpty();
    assertThat(result.virtualServices()).hasSize(1);
    return result.virtualServices().get(0);
  }

  private java.util.List<LabelError> errors(Map<String, String> labels) throws Exception {
    ProxyTranslator.Result result =
        translator.translate("default", app(hostApp("/bad", 10040), labels));
    assertThat(result.virtualServices()).isEmpty();
    assertThat(result.pools()).isEmpty();
    return result.errors();
  }

  private java.util.List<String> errorCodes(Map<String, String> labels) throws Exception {
    return errors(labels).stream().map(LabelError::code).toList();
  }

  private static String hostApp(String id, int servicePort) {
    return "{\"id\": \""
        + id
        + "\", \"networks\": [{\"mode\": \"host\"}], \"portDefinitions\": [{\"port\": "
        + servicePort
        + "}]}";
  }

  private static MarathonApp app(String json, Map<String, String> labels) throws Exception {
    ObjectNode app = (ObjectNode) JSON.readTree(json);
    ObjectNode labelNode = app.putObject("labels");
    labels.forEach(labelNode::put);
    return AppParser.parse(app);
  }
}
