package io.gatehouse.engine.platform;

import static io.gatehouse.engine.platform.PlatformCalls.asOperator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.AppMapNodeKind;
import io.gatehouse.api.analytics.v1.AutoscaleAction;
import io.gatehouse.api.analytics.v1.AutoscaleDecision;
import io.gatehouse.api.analytics.v1.GetAppMapRequest;
import io.gatehouse.api.analytics.v1.GetAppMapResponse;
import io.gatehouse.api.analytics.v1.ListAutoscaleDecisionsRequest;
import io.gatehouse.api.analytics.v1.TimeRange;
import io.gatehouse.api.policy.v1.AutoscaleMetric;
import io.gatehouse.api.policy.v1.AutoscalePolicy;
import io.gatehouse.api.policy.v1.CreateAutoscalePolicyRequest;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.testsupport.TestPlatform;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * analytics-svc end to end, every piece a real process (the module's shared platform). The
 * autoscaler: a marathon-sim app whose avi_proxy label names an autoscale policy is served by a
 * service engine that reports to analytics-svc; under load analytics-svc scales the app out through
 * discovery-svc, and back in when the load stops, recording each decision with the figures behind
 * it. The application map: requests from an app's task show as an edge from that app to the virtual
 * service. CPU use: an app whose tasks spin is scaled out on what Mesos reports of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPlatform.class)
@Order(Integer.MAX_VALUE - 1) // with the other test of the shared platform, after every other test
class AnalyticsEndToEndIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String APP =
      """
      {"id": "/autoweb", "instances": 1,
       "labels": {"avi_proxy": "{\\"pool\\": {\\"autoscale_policy_ref\\": \\"/api/autoscalepolicy?name=web-rps\\"}}"},
       "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server", "network": "BRIDGE",
         "portMappings": [{"containerPort": 80, "hostPort": 0, "servicePort": 0, "protocol": "tcp"}]}}}
      """;

  private static final String ORDERS =
      """
      {"id": "/orders", "instances": 1,
       "constraints": [["hostname", "LIKE", "127.0.0.2"]],
       "labels": {"avi_proxy": "{\\"virtualservice\\": {\\"analytics_policy\\": {\\"full_client_logs\\": {\\"enabled\\": true}}}}"},
       "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server", "network": "BRIDGE",
         "portMappings": [{"containerPort": 80, "hostPort": 0, "servicePort": 0, "protocol": "tcp"}]}}}
      """;
  private static final String SPINNER =
      """
      {"id": "/spinner", "instances": 1, "cmd": "while :; do :; done", "cpus": 0.25, "mem": 32,
       "portDefinitions": [{"port": 0, "protocol": "tcp"}],
       "labels": {"avi_proxy": "{\\"pool\\": {\\"autoscale_policy_ref\\": \\"/api/autoscalepolicy?name=spin-cpu\\"}}"}}
      """;

  // a client with no ports: no virtual service of its own, so only its task tells who it is
  private static final String FRONTEND =
      """
      {"id": "/frontend", "instances": 1, "cmd": "sleep 600", "portDefinitions": [],
       "constraints": [["hostname", "LIKE", "127.0.0.3"]]}
      """;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Platform platform;

  @BeforeAll
  void platform(TestPlatform shared) {
    platform =
        new Platform(
            shared.marathonUrl(),
            NettyChannelBuilder.forTarget(shared.policy().target()).usePlaintext().build(),
            NettyChannelBuilder.forTarget(shared.analyticsTarget()).usePlaintext().build());
  }

  @AfterAll
  void closeChannels() {
    platform.policy().shutdownNow();
    platform.analytics().shutdownNow();
  }

  /** The shared platform's addresses, and channels of this class's own. */
  private record Platform(String marathonUrl, ManagedChannel policy, ManagedChannel analytics) {}

  @Test
  void anAppIsScaledOutUnderLoadAndBackInWhenTheLoadStops() throws Exception {
    ManagedChannel policyChannel = platform.policy();
    ManagedChannel analyticsChannel = platform.analytics();
    createPolicy(
        policyChannel,
        "web-rps",
        AutoscaleMetric.AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE,
        5,
        1);
    String marathonUrl = platform.marathonUrl();
    send("POST", marathonUrl + "/v2/apps", APP);
    JsonNode app = new ObjectMapper().readTree(send("GET", marathonUrl + "/v2/apps/autoweb", null));
    int servicePort =
        app.path("app").path("container").path("portMappings").path(0).path("servicePort").asInt();
    assertThat(servicePort).isPositive();

    // load: bursts of requests through the engine until Marathon runs a second instance
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              for (int i = 0; i < 5; i++) {
                request(servicePort);
              }
              return instances(marathonUrl) == 2;
            });
    var query = AnalyticsQueryGrpc.newBlockingStub(asOperator(analyticsChannel));
    // the decision is recorded once ScaleApp answered: maybe a moment after Marathon changed
    AutoscaleDecision out = awaitDecision(query, AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT);
    assertThat(out.getAppId()).isEqualTo("/autoweb");
    assertThat(out.getPolicy()).isEqualTo("web-rps");
    assertThat(out.getCurrentInstances()).isEqualTo(1);
    assertThat(out.getTargetInstances()).isEqualTo(2);
    assertThat(out.getObservedValue()).isGreaterThan(5);
    assertThat(out.getThreshold()).isEqualTo(5);
    assertThat(out.getDeploymentId()).isNotEmpty();

    // the load stops: the app goes back to one instance
    await().atMost(WAIT).until(() -> instances(marathonUrl) == 1);
    AutoscaleDecision in = awaitDecision(query, AutoscaleAction.AUTOSCALE_ACTION_SCALE_IN);
    assertThat(in.getCurrentInstances()).isEqualTo(2);
    assertThat(in.getTargetInstances()).isEqualTo(1);
    assertThat(in.getObservedValue()).isLessThan(1);
  }

  @Test
  void anAppWhoseTasksKeepTheirCpusBusyIsScaledOutOnTheirCpuUse() throws Exception {
    createPolicy(
        platform.policy(), "spin-cpu", AutoscaleMetric.AUTOSCALE_METRIC_CPU_UTILIZATION, 0.8, 0.05);
    // a task that spins uses a whole CPU: about 2.9 times its limit of 0.25 + 0.1
    send("POST", platform.marathonUrl() + "/v2/apps", SPINNER);
    try {
      await().atMost(WAIT).until(() -> instances(platform.marathonUrl(), "/spinner") == 2);
      AutoscaleDecision out =
          awaitDecision(
              AnalyticsQueryGrpc.newBlockingStub(asOperator(platform.analytics())),
              "/spinner",
              AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT);
      assertThat(out.getMetric()).isEqualTo("AUTOSCALE_METRIC_CPU_UTILIZATION");
      assertThat(out.getObservedValue()).isGreaterThan(0.8);
      assertThat(out.getTargetInstances()).isEqualTo(2);
    } finally {
      send("DELETE", platform.marathonUrl() + "/v2/apps/spinner", null); // its tasks spin
    }
  }

  @Test
  void clientsAppearOnTheApplicationMapAsTheAppsWhoseTasksTheyAre() throws Exception {
    // orders on one agent logs every request; frontend runs alone on the other agent
    send("POST", platform.marathonUrl() + "/v2/apps", ORDERS);
    send("POST", platform.marathonUrl() + "/v2/apps", FRONTEND);
    int servicePort =
        new ObjectMapper()
            .readTree(send("GET", platform.marathonUrl() + "/v2/apps/orders", null))
            .path("app")
            .path("container")
            .path("portMappings")
            .path(0)
            .path("servicePort")
            .asInt();
    var query = AnalyticsQueryGrpc.newBlockingStub(asOperator(platform.analytics()));
    GetAppMapRequest lastMinutes =
        GetAppMapRequest.newBuilder()
            .setRange(
                TimeRange.newBuilder()
                    .setStartTime(
                        Timestamp.newBuilder()
                            .setSeconds(
                                java.time.Instant.now().minusSeconds(600).getEpochSecond())))
            .build();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              // requests from frontend's task address, and from an address no task has
              PlatformCalls.getFrom("127.0.0.3", servicePort);
              PlatformCalls.getFrom("127.0.0.9", servicePort);
              GetAppMapResponse map =
                  query.withDeadlineAfter(10, TimeUnit.SECONDS).getAppMap(lastMinutes);
              assertThat(map.getNodesList())
                  .as("nodes of %s", map)
                  .anySatisfy(
                      n -> {
                        assertThat(n.getId()).isEqualTo("app:/frontend");
                        assertThat(n.getKind())
                            .isEqualTo(AppMapNodeKind.APP_MAP_NODE_KIND_MARATHON_APP);
                      })
                  .anySatisfy(
                      n -> {
                        assertThat(n.getId()).isEqualTo("client:127.0.0.9");
                        assertThat(n.getKind()).isEqualTo(AppMapNodeKind.APP_MAP_NODE_KIND_CLIENT);
                      });
              assertThat(map.getEdgesList())
                  .as("edges of %s", map)
                  .anySatisfy(
                      e -> {
                        assertThat(e.getFrom()).isEqualTo("app:/frontend");
                        assertThat(e.getTo()).startsWith("vs:").contains("orders");
                        assertThat(e.getRequestsPerSecond()).isPositive();
                      });
            });
  }

  /** A policy between 1 and 2 instances, a step of 1, 2 s cooldown, a 10 s window. */
  private static void createPolicy(
      ManagedChannel policy, String name, AutoscaleMetric metric, double out, double in) {
    PolicyServiceGrpc.newBlockingStub(asOperator(policy))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .createAutoscalePolicy(
            CreateAutoscalePolicyRequest.newBuilder()
                .setAutoscalePolicy(
                    AutoscalePolicy.newBuilder()
                        .setMeta(ObjectMeta.newBuilder().setName(name))
                        .setMinInstances(1)
                        .setMaxInstances(2)
                        .setMetric(metric)
                        .setScaleOutThreshold(out)
                        .setScaleInThreshold(in)
                        .setScaleOutStep(1)
                        .setScaleInStep(1)
                        .setCooldown(com.google.protobuf.Duration.newBuilder().setSeconds(2))
                        .setEvaluationWindow(
                            com.google.protobuf.Duration.newBuilder().setSeconds(10)))
                .build());
  }

  private static AutoscaleDecision awaitDecision(
      AnalyticsQueryGrpc.AnalyticsQueryBlockingStub query, AutoscaleAction action) {
    return awaitDecision(query, "/autoweb", action);
  }

  private static AutoscaleDecision awaitDecision(
      AnalyticsQueryGrpc.AnalyticsQueryBlockingStub query, String appId, AutoscaleAction action) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                decisions(query, appId).stream()
                    .filter(d -> d.getAction() == action)
                    .findFirst()
                    .orElse(null),
            java.util.Objects::nonNull);
  }

  private static List<AutoscaleDecision> decisions(
      AnalyticsQueryGrpc.AnalyticsQueryBlockingStub query, String appId) {
    return query
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .listAutoscaleDecisions(ListAutoscaleDecisionsRequest.newBuilder().setAppId(appId).build())
        .getDecisionsList();
  }

  private int instances(String marathonUrl) throws Exception {
    return instances(marathonUrl, "/autoweb");
  }

  private int instances(String marathonUrl, String appId) throws Exception {
    return new ObjectMapper()
        .readTree(send("GET", marathonUrl + "/v2/apps" + appId, null))
        .path("app")
        .path("instances")
        .asInt();
  }

  private void request(int port) {
    try {
      http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (Exception notYet) {
      // the engine does not serve the app yet
    }
  }

  private String send(String method, String url, String body) throws Exception {
    return PlatformCalls.send(http, method, url, body);
  }
}
