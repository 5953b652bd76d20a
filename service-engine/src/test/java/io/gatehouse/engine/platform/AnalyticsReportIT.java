package io.gatehouse.engine.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.ComponentLatency;
import io.gatehouse.api.analytics.v1.GetLatencyRequest;
import io.gatehouse.api.analytics.v1.Metric;
import io.gatehouse.api.analytics.v1.SearchLogsRequest;
import io.gatehouse.api.analytics.v1.Target;
import io.gatehouse.api.analytics.v1.TimingComponent;
import io.gatehouse.engine.testing.TestBackend;
import io.gatehouse.testsupport.AnalyticsQueries;
import io.gatehouse.testsupport.AnalyticsServiceProcess;
import io.gatehouse.testsupport.SeManagerProcess;
import io.gatehouse.testsupport.ServiceJar;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A service engine process serving real traffic reports to an analytics-svc process: requests,
 * errors and the timing breakdown come back from the queries, the errors' client logs are
 * searchable, and traffic served while analytics-svc was down is counted once it is back — not
 * lost, not twice.
 */
class AnalyticsReportIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void whatTheEngineServesIsMeasuredLoggedAndNeverCountedTwice() throws Exception {
    int listen = ServiceJar.freePort();
    int admin = ServiceJar.freePort();
    Instant began = Instant.now().minusSeconds(5);
    try (TestBackend backend = TestBackend.start("app");
        AnalyticsServiceProcess analytics = AnalyticsServiceProcess.start();
        ServiceJar engine =
            ServiceJar.start(
                    "service-engine",
                    List.of(
                        "--listen=127.0.0.1:" + listen,
                        "--backend=127.0.0.1:" + backend.port(),
                        "--admin=127.0.0.1:" + admin,
                        "--analytics=" + analytics.target(),
                        "--control-plaintext",
                        "--se-id=se-analytics"),
                    Map.of("GATEHOUSE_SE_TOKEN", SeManagerProcess.ENGINE))
                .awaitPort(listen, WAIT)) {
      ManagedChannel channel =
          NettyChannelBuilder.forTarget(analytics.target()).usePlaintext().build();
      try {
        var query = AnalyticsQueryGrpc.newBlockingStub(PlatformCalls.asOperator(channel));

        for (int i = 0; i < 20; i++) {
          assertThat(get(listen, "/hello")).isEqualTo(200);
        }
        backend.setHealthy(false);
        for (int i = 0; i < 5; i++) {
          assertThat(get(listen, "/health")).isEqualTo(503);
        }
        await()
            .atMost(WAIT)
            .until(
                () ->
                    AnalyticsQueries.total(query, "default", Metric.METRIC_REQUESTS, began) == 25);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    AnalyticsQueries.total(query, "default", Metric.METRIC_ERRORS_5XX, began) == 5);

        GetLatencyRequest latencyRequest =
            GetLatencyRequest.newBuilder()
                .setTarget(Target.newBuilder().setVirtualService("default"))
                .setRange(AnalyticsQueries.since(began))
                .build();
        // a request is counted when it arrives and timed when it ends: maybe an interval later
        await()
            .atMost(WAIT)
            .until(
                () ->
                    component(
                                query
                                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .getLatency(latencyRequest)
                                    .getComponentsList(),
                                TimingComponent.TIMING_COMPONENT_TOTAL)
                            .getCount()
                        == 25);
        var latency = query.withDeadlineAfter(10, TimeUnit.SECONDS).getLatency(latencyRequest);
        assertThat(
                component(latency.getComponentsList(), TimingComponent.TIMING_COMPONENT_TOTAL)
                    .getCount())
            .isEqualTo(25);
        assertThat(
                component(
                        latency.getComponentsList(), TimingComponent.TIMING_COMPONENT_APP_RESPONSE)
                    .getCount())
            .isEqualTo(25);

        var errors =
            query
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .searchLogs(
                    SearchLogsRequest.newBuilder()
                        .setVirtualService("default")
                        .setRange(AnalyticsQueries.since(began))
                        .setStatusMin(500)
                        .build());
        assertThat(errors.getLogsList()).hasSize(5);
        assertThat(errors.getLogsList())
            .allSatisfy(
                l -> {
                  assertThat(l.getUriPath()).isEqualTo("/health");
                  assertThat(l.getClientIp()).isEqualTo("127.0.0.1");
                  assertThat(l.getServerAddress()).isEqualTo("127.0.0.1:" + backend.port());
                  assertThat(l.getSeId()).isEqualTo("se-analytics");
                  assertThat(l.getTiming().hasTotal()).isTrue();
                });

        // analytics-svc goes away; the engine keeps serving and keeps what it measured
        analytics.stop();
        backend.setHealthy(true);
        for (int i = 0; i < 7; i++) {
          assertThat(get(listen, "/hello")).isEqualTo(200);
        }
        // the engine's figures say analytics is away and what it keeps meanwhile
        await()
            .atMost(WAIT)
            .until(
                () ->
                    metrics(admin).contains("gatehouse_se_analytics_connected 0.0")
                        && !metrics(admin).contains("gatehouse_se_analytics_waiting_batches 0.0"));
        analytics.restart();
        await()
            .atMost(WAIT)
            .until(
                () ->
                    AnalyticsQueries.total(query, "default", Metric.METRIC_REQUESTS, began) == 32);
        // one more request, counted after everything resent: nothing was counted twice
        assertThat(get(listen, "/hello")).isEqualTo(200);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    AnalyticsQueries.total(query, "default", Metric.METRIC_REQUESTS, began) >= 33);
        assertThat(AnalyticsQueries.total(query, "default", Metric.METRIC_REQUESTS, began))
            .isEqualTo(33);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private int get(int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private String metrics(int admin) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static ComponentLatency component(List<ComponentLatency> all, TimingComponent which) {
    return all.stream().filter(c -> c.getComponent() == which).findFirst().orElseThrow();
  }
}
