package io.gatehouse.discovery.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.api.policy.v1.LbAlgorithm;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.discovery.marathon.AppParser;
import io.gatehouse.discovery.marathon.MarathonApp;
import io.gatehouse.testsupport.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MarathonLbLabelsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ProxyTranslator translator =
      new ProxyTranslator(
          new ProxySettings(
              Set.of(80, 8080),
              10000,
              10999,
              LabelReferences.none(),
              new MarathonLbSettings(
                  Map.of("external", "edge", "internal", "mesh"),
                  Map.of("external", "10.0.0.100"))));

  @Test
  void marathonLbsOwnAppsAreServedOnTheirPortAndByTheirHostName() throws Exception {
    Path posts = SharedFixtures.require("marathon/marathon-lb/post-app-1.5");
    for (String file :
        new String[] {"docker_bridge", "docker_host", "docker_ippc", "ucr_bridge", "ucr_host"}) {
      ObjectNode definition =
          (ObjectNode) JSON.readTree(Files.readString(posts.resolve(file + ".json")));
      MarathonApp app = AppParser.parse(definition);
      String port = app.labels().get("HAPROXY_0_PORT");

      ProxyTranslator.Result result = translator.translate("default", app);

      assertThat(result.errors()).as(file).isEmpty();
      assertThat(result.virtualServices()).as(file).hasSize(2);
      VirtualService listener = result.virtualServices().get(0);
      assertThat(listener.getVip().getIpAddress()).isEqualTo("10.0.0.100");
      assertThat(listener.getServices(0).getPort()).isEqualTo(Integer.parseInt(port));
      assertThat(listener.getServices(0).getProtocol()).isEqualTo(Protocol.PROTOCOL_HTTP);
      VirtualService child = result.virtualServices().get(1);
      assertThat(child.getVhParentVsRef()).isEqualTo("edge");
      assertThat(child.getVhDomainNamesList()).containsExactly(app.labels().get("HAPROXY_0_VHOST"));
      assertThat(child.getPoolRef()).isEqualTo(listener.getPoolRef());
      assertThat(result.pools().get(0).getLbAlgorithm())
          .isEqualTo(LbAlgorithm.LB_ALGORITHM_ROUND_ROBIN);
    }
  }

  @Test
  void labelsThatConfigureHaproxyItselfAreRefusedNamingTheLabel() throws Exception {
    Path posts = SharedFixtures.require("marathon/marathon-lb/post-app-1.5");
    MarathonApp app =
        AppParser.parse(
            (ObjectNode) JSON.readTree(Files.readString(posts.resolve("ucr_ippc.json"))));

    assertThat(translator.translate("default", app).errors())
        .extracting(LabelError::label, LabelError::code)
        .contains(tuple("HAPROXY_0_BACKEND_SERVER_OPTIONS", "UNSUPPORTED_LABEL"));
  }

  @Test
  void everyPortLabelIsReadAndABadOneIsReportedOnItsOwn() throws Exception {
    ProxyTranslator.Result result =
        translator.translate(
            "default",
            app(
                Map.of(
                    "HAPROXY_GROUP", "internal",
                    "HAPROXY_0_BALANCE", "leastconn",
                    "HAPROXY_0_MODE", "http",
                    "HAPROXY_0_VHOST", "API.example.com, *.api.example.com",
                    "HAPROXY_0_PATH", "/v1",
                    "HAPROXY_0_REDIRECT_TO_HTTPS", "true",
                    "HAPROXY_1_STICKY", "true",
                    "HAPROXY_2_ENABLED", "false")));

    assertThat(result.errors()).isEmpty();
    assertThat(result.virtualServices()).hasSize(3); // port 0 and its child, port 1
    VirtualService api = result.virtualServices().get(0);
    assertThat(api.getEastWest()).isTrue();
    assertThat(api.getRedirectToHttps()).isTrue();
    VirtualService child = result.virtualServices().get(1);
    assertThat(child.getVhParentVsRef()).isEqualTo("mesh");
    assertThat(child.getVhDomainNamesList())
        .containsExactly("api.example.com", "*.api.example.com");
    assertThat(child.getVhPathPrefix()).isEqualTo("/v1");
    assertThat(result.virtualServices().get(2).getServices(0).getProtocol())
        .isEqualTo(Protocol.PROTOCOL_TCP); // marathon-lb's default mode
    assertThat(result.pools())
        .extracting(p -> p.getLbAlgorithm())
        .containsExactly(
            LbAlgorithm.LB_ALGORITHM_LEAST_CONNECTIONS,
            LbAlgorithm.LB_ALGORITHM_CONSISTENT_HASH); // port 2 is not served at all

    ProxyTranslator.Result bad =
        translator.translate(
            "default",
            app(
                Map.of(
                    "HAPROXY_GROUP", "dmz",
                    "HAPROXY_0_BALANCE", "random",
                    "HAPROXY_1_MODE", "tcp",
                    "HAPROXY_1_VHOST", "db.example.com",
                    "HAPROXY_7_PORT", "80",
                    "HAPROXY_0_FRONTEND_HEAD", "frontend x",
                    "HAPROXY_DEPLOYMENT_GROUP", "Blue Team",
                    "HAPROXY_DEPLOYMENT_UNKNOWN", "x",
                    "avi_proxy", "{}")));
    assertThat(bad.virtualServices()).isEmpty();
    assertThat(bad.errors())
        .extracting(LabelError::label, LabelError::code)
        .containsExactlyInAnyOrder(
            tuple("HAPROXY_GROUP", "INVALID_VALUE"), // dmz has no VIP
            tuple("HAPROXY_0_BALANCE", "INVALID_VALUE"),
            tuple("HAPROXY_1_MODE", "INVALID_VALUE"),
            tuple("HAPROXY_1_VHOST", "INVALID_VALUE"), // dmz has no parent
            tuple("HAPROXY_7_PORT", "INVALID_VALUE"),
            tuple("HAPROXY_0_FRONTEND_HEAD", "UNSUPPORTED_LABEL"),
            tuple("HAPROXY_DEPLOYMENT_GROUP", "INVALID_VALUE"),
            tuple("HAPROXY_DEPLOYMENT_UNKNOWN", "UNSUPPORTED_LABEL"),
            tuple("avi_proxy", "INVALID_VALUE"));
  }

  @Test
  void aBlueGreenPairIsOneListenerOverAWeightedPairOfPoolsThatPassesToTheNewerApp()
      throws Exception {
    Path zdd =
        SharedFixtures.require(
            "marathon/marathon-lb/v2-apps-embed-tasks-2016-bridge-zdd-ports.json");
    ObjectNode greenJson = (ObjectNode) JSON.readTree(Files.readString(zdd)).get("apps").get(0);
    MarathonApp green = AppParser.parse(greenJson); // deployed first, 3 instances, on 10000
    ObjectNode blueJson = greenJson.deepCopy();
    blueJson.put("id", "/nginx-blue").put("instances", 1);
    blueJson.putArray("ports").add(10001); // zdd gives the newer app the alt port
    ((ObjectNode) blueJson.at("/container/docker/portMappings/0")).put("servicePort", 10001);
    ((ObjectNode) blueJson.get("labels"))
        .put("HAPROXY_DEPLOYMENT_COLOUR", "blue")
        .put("HAPROXY_DEPLOYMENT_STARTED_AT", "2016-02-01T14:57:54.371005");
    MarathonApp blue = AppParser.parse(blueJson);

    ProxyTranslator.Result greenAlone = translator.translate("default", green, List.of());
    assertThat(greenAlone.errors()).isEmpty();
    assertThat(greenAlone.virtualServices())
        .extracting(v -> v.getMeta().getName(), VirtualService::getPoolRef)
        .containsExactly(tuple("nginx/10000", "nginx-green/10000"));

    ProxyTranslator.Result older = translator.translate("default", green, List.of(blue));
    ProxyTranslator.Result newer = translator.translate("default", blue, List.of(green));
    assertThat(older.errors()).isEmpty();
    assertThat(older.virtualServices()).isEqualTo(greenAlone.virtualServices());
    assertThat(older.pools().get(0).getAbPool().getPoolRef()).isEqualTo("nginx-blue/10001");
    assertThat(older.pools().get(0).getAbPool().getRatio()).isEqualTo(25); // 1 of 4 instances
    assertThat(newer.errors()).isEmpty();
    assertThat(newer.virtualServices()).isEmpty();
    assertThat(newer.pools())
        .extracting(p -> p.getMeta().getName())
        .containsExactly("nginx-blue/10001");

    ProxyTranslator.Result blueAlone = translator.translate("default", blue, List.of());
    assertThat(blueAlone.virtualServices())
        .extracting(v -> v.getMeta().getName(), VirtualService::getPoolRef)
        .containsExactly(tuple("nginx/10000", "nginx-blue/10001"));
    assertThat(ProxyTranslator.deploymentGroup(blue)).isEqualTo("/nginx");

    ObjectNode thirdJson = blueJson.deepCopy().put("id", "/nginx-red");
    MarathonApp third = AppParser.parse(thirdJson);
    assertThat(translator.translate("default", green, List.of(blue, third)).errors())
        .extracting(LabelError::label, LabelError::code)
        .containsExactly(tuple("HAPROXY_DEPLOYMENT_GROUP", "INVALID_VALUE"));
  }

  /** An app with three host ports, 10001 to 10003. */
  private static MarathonApp app(Map<String, String> labels) throws Exception {
    ObjectNode app = JSON.createObjectNode().put("id", "/api");
    app.putArray("networks").addObject().put("mode", "host");
    var ports = app.putArray("portDefinitions");
    for (int i = 1; i <= 3; i++) {
      ports.addObject().put("port", 10000 + i);
    }
    ObjectNode labelNode = app.putObject("labels");
    labels.forEach(labelNode::put);
    return AppParser.parse(app);
  }
}
