package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.testsupport.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The edge of {@code gatehouse up}: many apps on one listener (an operator's virtual service on a
 * service port, and Marathon apps whose avi_proxy labels make them its children by host name and
 * path; every agent's engine routes each request to the app that claims it), and rate limits
 * enforced by the engines and counted by analytics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Order(1)
class EdgeIT {
  /** The parent the platform lets labels attach children to ({@code --label-parents}). */
  static final String PARENT = "edge";

  private static final int PORT = 10190;
  private static final int LIMITED_PORT = 10191;
  private static final int CANARY_PORT = 10192;
  private static final int TLS_PORT = 10193;
  private static final List<String> AGENTS = List.of("127.0.0.2", "127.0.0.3");
  private final HttpClient http = HttpClient.newHttpClient();
  private RunningPlatform platform;
  private PlatformCalls calls;

  @BeforeAll
  void platform() throws Exception {
    platform = RunningPlatform.shared();
    calls = new PlatformCalls(platform);
    calls.apply(
        "edge.yaml",
        """
            virtualService:
              meta: {name: edge}
              eastWest: true
              services: [{port: %d, protocol: PROTOCOL_HTTP}]
              poolRef: webappew1/10001
            """
            .formatted(PORT),
        "virtual-service edge");
  }

  @Test
  void twoAppsShareOneListenerToldApartByHostAndPathAndAThirdCannotTakeTheirHost()
      throws Exception {
    calls.post(
        "shopvh",
        10111,
        "{\"vh_parent_vs_ref\": \"edge\", \"vh_domain_name\": [\"shop.example.com\"]}");
    calls.post(
        "blogvh",
        10112,
        "{\"vh_parent_vs_ref\": \"/api/virtualservice?name=edge\", \"vh_domain_name\":"
            + " [\"shop.example.com\", \"*.blog.example.com\"], \"vh_path_prefix\": \"/blog\"}");

    for (String agent : AGENTS) {
      await()
          .atMost(RunningPlatform.WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  servedBy(agent, "/", "shop.example.com").startsWith("task shopvh.")
                      && servedBy(agent, "/blog", "shop.example.com").startsWith("task blogvh."));
      assertThat(servedBy(agent, "/blog/post-1", "Shop.Example.com")).startsWith("task blogvh.");
      assertThat(servedBy(agent, "/blog", "news.blog.example.com")).startsWith("task blogvh.");
      assertThat(servedBy(agent, "/", "news.blog.example.com")).startsWith("task webappew1.");
      assertThat(servedBy(agent, "/blog", "other.example.com")).startsWith("task webappew1.");
    }

    calls.post(
        "thiefvh",
        10113,
        "{\"vh_parent_vs_ref\": \"edge\", \"vh_domain_name\": [\"shop.example.com\"]}");
    await()
        .atMost(RunningPlatform.WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> calls.cli("apps").matches("(?s).*/thiefvh\\s[^\\n]*HOST_CONFLICT.*"));
    for (String agent : AGENTS) {
      assertThat(servedBy(agent, "/", "shop.example.com")).startsWith("task shopvh.");
    }
  }

  @Test
  void anAppLabelledForMarathonLbIsReachedByItsVhostAndItsServicePort() throws Exception {
    String app =
        """
        {"id": "mlbvh", "instances": 1, "cpus": 0.1, "mem": 32,
         "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server",
           "network": "BRIDGE", "portMappings": [{"containerPort": 80,
           "hostPort": 0, "servicePort": 10114, "protocol": "tcp"}]}},
         "labels": {"HAPROXY_GROUP": "internal", "HAPROXY_0_VHOST": "lb.example.com",
                    "HAPROXY_0_PORT": "10115"}}
        """;
    calls.postApp(app);

    for (String agent : AGENTS) {
      await()
          .atMost(RunningPlatform.WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  PlatformCalls.servedBy(agent, PORT, "/", "lb.example.com")
                          .startsWith("task mlbvh.")
                      && PlatformCalls.servedBy(agent, 10115, "/", "anything")
                          .startsWith("task mlbvh."));
    }
  }

  @Test
  void aCanaryPoolTakesItsShareOfAThousandRequests() throws Exception {
    calls.post("canaryb", 10117, "{}");
    calls.apply(
        "canary.yaml",
        """
            pool:
              meta: {name: canary-b}
              marathonApp: {appId: /canaryb}
            ---
            pool:
              meta: {name: canary-a}
              marathonApp: {appId: /webappew1}
              abPool: {poolRef: canary-b, ratio: 20}
            ---
            virtualService:
              meta: {name: canary}
              eastWest: true
              services: [{port: %d, protocol: PROTOCOL_HTTP}]
              poolRef: canary-a
            """
            .formatted(CANARY_PORT),
        "virtual-service canary");
    String agent = AGENTS.get(0);
    await()
        .atMost(RunningPlatform.WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                PlatformCalls.servedBy(agent, CANARY_PORT, "/", "canary")
                    .startsWith("task canaryb."));

    int canaried = 0;
    for (int i = 0; i < 1000; i++) {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + agent + ":" + CANARY_PORT + "/"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      canaried += answer.body().startsWith("task canaryb.") ? 1 : 0;
    }

    assertThat(canaried).isBetween(190, 210); // 20%, spread evenly by the engine
  }

  @Test
  void anHttpsListenerPicksCertificatesBySniAndARotatedOneServesOnlyNewHandshakes()
      throws Exception {
    TestCertificates.Pem edgeCert = TestCertificates.ec("edge.example.com");
    TestCertificates.Pem shopCert = TestCertificates.ec("shop.example.com");
    applyTls(edgeCert, shopCert);
    String agent = AGENTS.get(0);
    await()
        .atMost(RunningPlatform.WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                TlsClient.leaf(shopCert)
                    .equals(TlsClient.presented(agent, TLS_PORT, "shop.example.com")));
    assertThat(TlsClient.presented(agent, TLS_PORT, "other.example.com"))
        .isEqualTo(TlsClient.leaf(edgeCert));

    try (SSLSocket open = TlsClient.handshake(agent, TLS_PORT, "shop.example.com")) {
      assertThat(TlsClient.servedOver(open)).startsWith("task webappew1.");
      TestCertificates.Pem rotated = TestCertificates.ec("shop.example.com");
      applyTls(edgeCert, rotated);
      await()
          .atMost(RunningPlatform.WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  TlsClient.leaf(rotated)
                      .equals(TlsClient.presented(agent, TLS_PORT, "shop.example.com")));

      assertThat(TlsClient.servedOver(open))
          .startsWith("task webappew1."); // the open one carries on
      assertThat(open.getSession().getPeerCertificates()[0]).isEqualTo(TlsClient.leaf(shopCert));
    }
  }

  /** A parent on an HTTPS service port with edge's certificate, and a child for the shop's. */
  private void applyTls(TestCertificates.Pem edge, TestCertificates.Pem shop) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> documents = new ArrayList<>();
    for (var cert : List.of(Map.entry("tls-edge", edge), Map.entry("tls-shop", shop))) {
      ObjectNode doc = json.createObjectNode();
      ObjectNode body = doc.putObject("sslKeyAndCertificate");
      body.putObject("meta").put("name", cert.getKey());
      body.put("certificatePem", cert.getValue().certificate());
      body.put("privateKeyPem", cert.getValue().privateKey());
      documents.add(json.writeValueAsString(doc));
    }
    documents.add(
        """
        {"virtualService": {"meta": {"name": "tls-edge"}, "eastWest": true,
          "services": [{"port": %d, "protocol": "PROTOCOL_HTTP", "enableSsl": true}],
          "poolRef": "webappew1/10001", "sslKeyAndCertificateRefs": ["tls-edge"]}}
        """
            .formatted(TLS_PORT));
    documents.add(
        """
        {"virtualService": {"meta": {"name": "tls-shop"}, "vhParentVsRef": "tls-edge",
          "vhDomainNames": ["shop.example.com"], "poolRef": "webappew1/10001",
          "sslKeyAndCertificateRefs": ["tls-shop"]}}
        """);
    calls.apply("tls.yaml", String.join("\n---\n", documents), "virtual-service tls-shop");
  }

  @Test
  void requestsOverAVirtualServicesRateAreAnswered429AndCountedByAnalytics() throws Exception {
    calls.apply(
        "limited.yaml",
        """
            virtualService:
              meta: {name: limited}
              eastWest: true
              services: [{port: %d, protocol: PROTOCOL_HTTP}]
              poolRef: webappew1/10001
              rateLimits: {requestsPerSecond: 2, burst: 10}
            """
            .formatted(LIMITED_PORT),
        "virtual-service limited");
    String agent = AGENTS.get(0);
    await()
        .atMost(RunningPlatform.WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> status(agent, LIMITED_PORT) == 200);

    // a bucket holds 11 at most and refills 2 a second: 40 at once cannot all pass
    int admitted = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 40; i++) {
      int status = status(agent, LIMITED_PORT);
      assertThat(status).isIn(200, 429);
      admitted += status == 200 ? 1 : 0;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(admitted).isLessThanOrEqualTo(11 + 2 * (int) Math.ceil(seconds));

    await()
        .atMost(RunningPlatform.WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> calls.cli("metrics", "limited").lines().anyMatch(EdgeIT::limitedAtAll));
  }

  /** A row of {@code gatehouse metrics} whose LIMITED/S (its last column) is above zero. */
  private static boolean limitedAtAll(String row) {
    String[] columns = row.strip().split("\\s+");
    return columns.length == 4
        && columns[3].matches("\\d+\\.\\d\\d")
        && Double.parseDouble(columns[3]) > 0;
  }

  /** The status of a GET / on {@code agent}'s engine at {@code port}; 0 on failure. */
  private static int status(String agent, int port) {
    return PlatformCalls.status(PlatformCalls.get(agent, port, "/", "limited", ""));
  }

  /** The task that answered a GET on {@code agent} for {@code host}; "" on failure. */
  private static String servedBy(String agent, String path, String host) {
    return PlatformCalls.servedBy(agent, PORT, path, host);
  }
}
