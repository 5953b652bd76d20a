package io.gatehouse.analytics.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.analytics.AnalyticsDatabase;
import io.gatehouse.analytics.rollup.Level;
import io.gatehouse.analytics.rollup.RollupRow;
import io.gatehouse.analytics.rollup.RollupStore;
import io.gatehouse.analytics.rollup.Subject;
import io.gatehouse.api.analytics.v1.AutoscaleAction;
import io.gatehouse.api.analytics.v1.AutoscaleDecision;
import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.GetAppRequest;
import io.gatehouse.api.policy.v1.AutoscaleMetric;
import io.gatehouse.api.policy.v1.AutoscalePolicy;
import io.gatehouse.api.policy.v1.CreateAutoscalePolicyRequest;
import io.gatehouse.api.policy.v1.ListPoolsRequest;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.common.grpc.BearerToken;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.ServiceJar;
import io.gatehouse.testsupport.SteppedClock;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The autoscaler's whole evaluation, at a clock the test moves, against real policy-svc,
 * discovery-svc and marathon-sim and the rollups in PostgreSQL: a dry-run policy records what it
 * would do and scales nothing; a live one scales the app through Marathon and records the figures
 * behind it; within the cooldown a second change is held back and recorded once, not at every
 * evaluation; after the cooldown the app scales again, up to the most instances.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoscalerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DISCOVERY_TOKEN = "test-analytics-at-discovery-0001";
  private static final String FRAMEWORK = ""; // the default Marathon: decisions name none

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final DataSource ds = AnalyticsDatabase.fresh(null);
  private final SteppedClock clock = new SteppedClock();
  private String marathon;
  private PolicyServiceGrpc.PolicyServiceBlockingStub policy;
  private DiscoveryServiceGrpc.DiscoveryServiceBlockingStub discovery;
  private Autoscaler autoscaler;
  private DecisionStore decisions;

  @BeforeAll
  void start() throws Exception {
    PolicyServiceProcess policyService = PolicyServiceProcess.start();
    closeables.add(policyService);
    int marathonPort = ServiceJar.freePort();
    int mesosPort = ServiceJar.freePort();
    int discoveryPort = ServiceJar.freePort();
    start(
        "marathon-sim",
        List.of(
            "--http_port=" + marathonPort,
            "--mesos_port=" + mesosPort,
            "--agents=2",
            "--fixed-tasks"),
        Map.of(),
        marathonPort);
    marathon = "http://127.0.0.1:" + marathonPort;
    start(
        "discovery-svc",
        List.of(
            "--grpc.server.port=" + discoveryPort,
            "--micronaut.server.port=" + ServiceJar.freePort(),
            "--gatehouse.discovery.marathons.default.url=" + marathon,
            "--gatehouse.discovery.policy.target=" + policyService.target(),
            "--gatehouse.discovery.policy.coalesce=100ms",
            "--gatehouse.discovery.mesos.url=http://127.0.0.1:" + mesosPort),
        Map.of(
            "GATEHOUSE_DISCOVERY_AUTH_OPERATOR_TOKENS", PolicyServiceProcess.OPERATOR,
            "GATEHOUSE_DISCOVERY_AUTH_SE_MANAGER_TOKEN", PolicyServiceProcess.SE_MANAGER,
            "GATEHOUSE_DISCOVERY_AUTH_ANALYTICS_TOKEN", DISCOVERY_TOKEN,
            "GATEHOUSE_DISCOVERY_POLICY_TOKEN", PolicyServiceProcess.DISCOVERY),
        discoveryPort);
    Channel policyChannel =
        BearerToken.attach(channel(policyService.target()), PolicyServiceProcess.ANALYTICS);
    Channel discoveryChannel =
        BearerToken.attach(channel("127.0.0.1:" + discoveryPort), DISCOVERY_TOKEN);
    policy =
        PolicyServiceGrpc.newBlockingStub(
            BearerToken.attach(channel(policyService.target()), PolicyServiceProcess.OPERATOR));
    discovery = DiscoveryServiceGrpc.newBlockingStub(discoveryChannel);
    decisions = new DecisionStore(ds);
    autoscaler = new Autoscaler(policyChannel, discoveryChannel, ds, decisions, clock);
  }

  @AfterAll
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void aDryRunPolicyRecordsWhatItWouldDoAndScalesNothing() throws Exception {
    createPolicy("would-scale", true);
    String pool = deploy("/dry", "would-scale");
    busy(pool, "/dry");

    autoscaler.evaluate();

    AutoscaleDecision decision = decisions.latest(FRAMEWORK, "/dry").orElseThrow();
    assertThat(decision.getDryRun()).isTrue();
    assertThat(decision.getAction()).isEqualTo(AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT);
    assertThat(decision.getMessage()).startsWith("dry run: ");
    assertThat(decision.getDeploymentId()).isEmpty();
    assertThat(instances("/dry")).isEqualTo(2);
  }

  @Test
  void aLivePolicyScalesThenHoldsBackWithinItsCooldownAndScalesAgainAfterIt() throws Exception {
    createPolicy("scales", false);
    String pool = deploy("/live", "scales");
    busy(pool, "/live");

    autoscaler.evaluate();

    AutoscaleDecision out = decisions.latest(FRAMEWORK, "/live").orElseThrow();
    assertThat(out.getAction()).isEqualTo(AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT);
    assertThat(out.getPolicy()).isEqualTo("scales");
    assertThat(out.getMetric()).isEqualTo("AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE");
    assertThat(out.getObservedValue()).isEqualTo(10.0); // 1,200 requests in 60 s, 2 instances
    assertThat(out.getThreshold()).isEqualTo(5.0);
    assertThat(out.getCurrentInstances()).isEqualTo(2);
    assertThat(out.getTargetInstances()).isEqualTo(3);
    assertThat(out.getDeploymentId()).isNotEmpty();
    await().atMost(WAIT).until(() -> instances("/live") == 3);

    // within the cooldown: held back and recorded once, however often it is evaluated
    clock.advance(Duration.ofSeconds(10));
    busy(pool, "/live");
    autoscaler.evaluate();
    autoscaler.evaluate();
    List<AutoscaleDecision> all = all("/live");
    assertThat(all)
        .extracting(AutoscaleDecision::getAction)
        .containsExactly(
            AutoscaleAction.AUTOSCALE_ACTION_COOLDOWN, AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT);
    assertThat(all.get(0).getMessage()).contains("cooldown");
    assertThat(instances("/live")).isEqualTo(3);

    // after it the app scales again, to the most instances the policy allows
    clock.advance(Duration.ofMinutes(2));
    busy(pool, "/live");
    autoscaler.evaluate();
    AutoscaleDecision again = decisions.latest(FRAMEWORK, "/live").orElseThrow();
    assertThat(again.getAction()).isEqualTo(AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT);
    assertThat(again.getTargetInstances()).isEqualTo(4);
    await().atMost(WAIT).until(() -> instances("/live") == 4);
  }

  private void createPolicy(String name, boolean dryRun) {
    policy
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .createAutoscalePolicy(
            CreateAutoscalePolicyRequest.newBuilder()
                .setAutoscalePolicy(
                    AutoscalePolicy.newBuilder()
                        .setMeta(ObjectMeta.newBuilder().setName(name))
                        .setMinInstances(1)
                        .setMaxInstances(4)
                        .setMetric(
                            AutoscaleMetric.AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE)
                        .setScaleOutThreshold(5)
                        .setScaleInThreshold(0.5)
                        .setScaleOutStep(1)
                        .setScaleInStep(1)
                        .setCooldown(com.google.protobuf.Duration.newBuilder().setSeconds(60))
                        .setEvaluationWindow(
                            com.google.protobuf.Duration.newBuilder().setSeconds(60))
                        .setDryRun(dryRun))
                .build());
  }

  /** Deploys a two-instance app whose pool names {@code policyName}; returns the pool's name. */
  private String deploy(String appId, String policyName) throws Exception {
    String label =
        "{\\\"pool\\\": {\\\"autoscale_policy_ref\\\": \\\"/api/autoscalepolicy?name="
            + policyName
            + "\\\"}}";
    send(
        "POST",
        "/v2/apps",
        "{\"id\": \""
            + appId
            + "\", \"instances\": 2, \"cmd\": \"serve\", \"portDefinitions\": [{\"port\": 0}],"
            + " \"labels\": {\"avi_proxy\": \""
            + label
            + "\"}}");
    return await()
        .atMost(WAIT)
        .until(
            () ->
                policy
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listPools(ListPoolsRequest.newBuilder().setPageSize(1000).build())
                    .getPoolsList()
                    .stream()
                    .filter(p -> p.getMarathonApp().getAppId().equals(appId))
                    .filter(p -> p.getAutoscalePolicyRef().equals(policyName))
                    .map(p -> p.getMeta().getName())
                    .findFirst()
                    .orElse(null),
            java.util.Objects::nonNull);
  }

  /** 600 requests in each of the app's two first tasks over the last minute of the clock. */
  private void busy(String pool, String appId) throws Exception {
    App app =
        discovery
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getApp(
                GetAppRequest.newBuilder().setMarathonFramework("default").setAppId(appId).build());
    Instant bucket = clock.instant().minusSeconds(30);
    bucket = bucket.minusMillis(bucket.toEpochMilli() % 5000);
    Map<RollupStore.Key, RollupRow> rows = new HashMap<>();
    for (int i = 0; i < 2; i++) {
      RollupRow row = new RollupRow();
      row.requests = 600;
      rows.put(
          new RollupStore.Key(
              Level.FIVE_SECONDS,
              Subject.poolMember(pool, app.getTasks(i).getId()),
              bucket.plusSeconds(5L * i)),
          row);
    }
    try (Connection c = ds.getConnection()) {
      RollupStore.add(c, rows);
    }
  }

  private List<AutoscaleDecision> all(String appId) throws Exception {
    return decisions.list(
        FRAMEWORK, appId, "", Instant.EPOCH, clock.instant().plusSeconds(60), Long.MAX_VALUE, 100);
  }

  private int instances(String appId) throws Exception {
    return JSON.readTree(send("GET", "/v2/apps" + appId, null))
        .path("app")
        .path("instances")
        .asInt();
  }

  private String send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(marathon + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private ManagedChannel channel(String target) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    closeables.add(channel::shutdownNow);
    return channel;
  }

  private void start(String module, List<String> args, Map<String, String> env, int port) {
    ServiceJar jar = ServiceJar.start(module, args, ServiceJar.plaintext(env));
    closeables.add(jar);
    jar.awaitPort(port, WAIT);
  }
}
