package io.gatehouse.analytics;

import static io.gatehouse.analytics.Reports.as;
import static io.gatehouse.analytics.Reports.batch;
import static io.gatehouse.analytics.Reports.log;
import static io.gatehouse.analytics.Reports.logs;
import static io.gatehouse.analytics.Reports.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.google.rpc.BadRequest;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.BatchResult;
import io.gatehouse.api.analytics.v1.ComponentLatency;
import io.gatehouse.api.analytics.v1.FollowLogsRequest;
import io.gatehouse.api.analytics.v1.FollowLogsResponse;
import io.gatehouse.api.analytics.v1.GetLatencyRequest;
import io.gatehouse.api.analytics.v1.GetMetricsRequest;
import io.gatehouse.api.analytics.v1.Metric;
import io.gatehouse.api.analytics.v1.Point;
import io.gatehouse.api.analytics.v1.PoolMemberRef;
import io.gatehouse.api.analytics.v1.SearchLogsRequest;
import io.gatehouse.api.analytics.v1.SearchLogsResponse;
import io.gatehouse.api.analytics.v1.Series;
import io.gatehouse.api.analytics.v1.Target;
import io.gatehouse.api.analytics.v1.TimeRange;
import io.gatehouse.api.analytics.v1.TimingComponent;
import io.gatehouse.testsupport.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * analytics-svc in the test JVM on a real PostgreSQL: engines report over gRPC, and what they
 * reported comes back from the queries — rates per step, percentiles merged across engines exactly
 * as one histogram of every value would give them, and client logs by filter and page.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyticsIT implements TestPropertyProvider {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Inject GrpcEmbeddedServer server;
  private TestPostgres.Database db;
  private ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    db = TestPostgres.freshDatabase();
    return new HashMap<>(db.micronautProperties());
  }

  @BeforeAll
  void connect() {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterAll
  void close() {
    channel.shutdownNow();
  }

  private AnalyticsQueryGrpc.AnalyticsQueryBlockingStub query() {
    return AnalyticsQueryGrpc.newBlockingStub(as(channel, Reports.OPERATOR))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static TimeRange since(Instant start) {
    return TimeRange.newBuilder().setStartTime(ts(start)).build();
  }

  @Test
  void batchesAreAcknowledgedOnceAndTheirFiguresComeBackAsRatesAndExactPercentiles() {
    Instant second = Instant.now().minusSeconds(30);
    Instant bucket = Instant.ofEpochSecond(second.getEpochSecond() - second.getEpochSecond() % 5);
    long[] fromA = LongStream.rangeClosed(1, 100).map(i -> i * 1000).toArray();
    long[] fromB = LongStream.rangeClosed(1, 50).map(i -> i * 7000).toArray();
    Reports.Stream a = new Reports.Stream(channel, Reports.ENGINE, "se-a");
    Reports.Stream b = new Reports.Stream(channel, Reports.ENGINE, "se-b");
    a.send(batch(1, bucket, "shop", 100, 10, fromA));
    b.send(batch(1, bucket, "shop", 50, 0, fromB));
    a.send(batch(1, bucket, "shop", 100, 10, fromA)); // a resend after a lost ack

    await()
        .atMost(WAIT)
        .until(
            () -> a.answers.stream().filter(r -> r.hasAck()).count() == 2 && b.result(1) != null);
    assertThat(a.answers.get(0).getFlowControl().getCredits()).isEqualTo(16);
    assertThat(a.answers.stream().filter(r -> r.hasAck()).map(r -> r.getAck().getResult()).toList())
        .as("the resend is answered when the first is written, in either order")
        .containsExactlyInAnyOrder(
            BatchResult.BATCH_RESULT_STORED, BatchResult.BATCH_RESULT_DUPLICATE);
    assertThat(b.result(1)).isEqualTo(BatchResult.BATCH_RESULT_STORED); // ids are per engine

    GetMetricsRequest metrics =
        GetMetricsRequest.newBuilder()
            .setTarget(Target.newBuilder().setVirtualService("shop"))
            .setRange(since(bucket.minusSeconds(60)))
            .addMetrics(Metric.METRIC_REQUESTS)
            .addMetrics(Metric.METRIC_ERRORS_5XX)
            .addMetrics(Metric.METRIC_OPEN_CONNECTIONS)
            .addMetrics(Metric.METRIC_HEALTHY_MEMBERS)
            .addMetrics(Metric.METRIC_CONNECTIONS_DENIED)
            .addMetrics(Metric.METRIC_RATE_LIMITED)
            .build();
    await()
        .atMost(WAIT)
        .until(() -> query().getMetrics(metrics).getSeries(0).getPointsCount() == 1);
    var response = query().getMetrics(metrics);
    assertThat(response.getStep().getSeconds()).isEqualTo(5);
    assertThat(point(response.getSeries(0))).isEqualTo(150 / 5.0); // requests per second
    assertThat(point(response.getSeries(1))).isEqualTo(10 / 5.0);
    assertThat(point(response.getSeries(2))).isEqualTo(8 / 5.0); // 4 open on each, for 1 s of 5
    assertThat(point(response.getSeries(3))).isEqualTo(2.0);
    assertThat(point(response.getSeries(4))).isEqualTo(2 / 5.0); // one denied on each engine
    assertThat(point(response.getSeries(5))).isEqualTo(6 / 5.0); // 3 rate-limited on each
    assertThat(response.getSeries(0).getPoints(0).getTime().getSeconds())
        .isEqualTo(bucket.getEpochSecond());

    // percentiles over both engines are those of one histogram of every value (at the rollups'
    // precision)
    Histogram all = new Histogram(io.gatehouse.analytics.rollup.RollupRow.DIGITS);
    LongStream.of(fromA).forEach(all::recordValue);
    LongStream.of(fromB).forEach(all::recordValue);
    var latency =
        query()
            .getLatency(
                GetLatencyRequest.newBuilder()
                    .setTarget(Target.newBuilder().setVirtualService("shop"))
                    .setRange(since(bucket.minusSeconds(600)))
                    .build());
    ComponentLatency total =
        component(latency.getComponentsList(), TimingComponent.TIMING_COMPONENT_TOTAL);
    assertThat(total.getCount()).isEqualTo(150);
    for (var p : total.getPercentilesList()) {
      assertThat(micros(p.getValue()))
          .as("p%s", p.getPercentile())
          .isEqualTo(all.getValueAtPercentile(p.getPercentile()));
    }
    assertThat(micros(total.getMax())).isEqualTo(all.getMaxValue());
    assertThat(
            component(latency.getComponentsList(), TimingComponent.TIMING_COMPONENT_APP_RESPONSE)
                .getCount())
        .isEqualTo(150);

    // the member and the engine are subjects of their own
    assertThat(
            point(
                query()
                    .getMetrics(
                        metrics.toBuilder()
                            .setTarget(
                                Target.newBuilder()
                                    .setPoolMember(
                                        PoolMemberRef.newBuilder()
                                            .setPool("shop")
                                            .setEndpointId("task-1")))
                            .build())
                    .getSeries(0)))
        .isEqualTo(150 / 5.0);
    assertThat(
            point(
                query()
                    .getMetrics(
                        metrics.toBuilder()
                            .setTarget(Target.newBuilder().setServiceEngine("se-b"))
                            .build())
                    .getSeries(0)))
        .isEqualTo(50 / 5.0);
    a.close();
    b.close();
  }

  @Test
  void anEngineThatSendsMoreBatchesThanItsCreditsIsCutOff() {
    Reports.Stream greedy = new Reports.Stream(channel, Reports.ENGINE, "se-greedy");
    Instant start = Instant.now().minusSeconds(120);
    // metric batches are answered when their group is written, about once a second: 50 sent at
    // once leave more than the 16 credits unanswered, wherever that write falls
    for (int i = 1; i <= 50; i++) {
      greedy.send(batch(i, start.plusSeconds(i), "greedy", 1, 0, 500));
    }

    await().atMost(WAIT).until(() -> greedy.error.get() != null);
    assertThat(Status.fromThrowable(greedy.error.get()).getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(Status.fromThrowable(greedy.error.get()).getDescription())
        .contains("more than 16 batches unacknowledged");
  }

  @Test
  void anEngineIdThatIsNoEngineIdIsRefusedAtHello() {
    Reports.Stream forged = new Reports.Stream(channel, Reports.ENGINE, "se-a\nINFO engine se-b");

    await().atMost(WAIT).until(() -> forged.error.get() != null);
    assertThat(Status.fromThrowable(forged.error.get()).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Status.fromThrowable(forged.error.get()).getDescription())
        .startsWith("hello.se_id:");
  }

  @Test
  void everyLevelHoldsTheSameTotals() throws Exception {
    Instant start = Instant.now().minusSeconds(20);
    Reports.Stream s = new Reports.Stream(channel, Reports.ENGINE, "se-levels");
    s.send(batch(1, start, "levels", 7, 0, 100, 200));
    s.send(batch(2, start.plusSeconds(1), "levels", 5, 0, 300));
    await().atMost(WAIT).until(() -> s.result(1) != null && s.result(2) != null);
    // acknowledged means written: every level holds both batches at once
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT level, sum(requests) FROM analytics.rollup WHERE kind = 'v' AND"
                    + " subject = 'levels' GROUP BY level ORDER BY level")) {
      List<String> levels = new ArrayList<>();
      while (rs.next()) {
        levels.add(rs.getInt(1) + "=" + rs.getLong(2));
      }
      assertThat(levels).containsExactly("5=12", "60=12", "3600=12", "86400=12");
    }
    s.close();
  }

  @Test
  void clientLogsAreSearchedByFilterAndPage() {
    Instant t = Instant.now().minusSeconds(60);
    Reports.Stream s = new Reports.Stream(channel, Reports.ENGINE, "se-logs");
    s.send(
        logs(
            1,
            log(t, "cart", 200, "10.1.0.5", "/api/items", 2_000),
            log(t.plusSeconds(1), "cart", 503, "10.1.0.6", "/api/pay", 9_000),
            log(t.plusSeconds(2), "cart", 404, "10.2.0.7", "/static/x", 1_000),
            log(t.plusSeconds(3), "cart", 200, "not-an-ip", "/api/100%_done", 800_000),
            log(t.plusSeconds(4), "other", 500, "10.1.0.5", "/api/items", 2_000)));
    s.send(logs(1, log(t, "cart", 200, "10.1.0.5", "/dup", 1))); // a resend: not stored again
    await().atMost(WAIT).until(() -> s.answers.stream().filter(r -> r.hasAck()).count() == 2);
    assertThat(s.result(1)).isEqualTo(BatchResult.BATCH_RESULT_DUPLICATE);

    SearchLogsRequest cart =
        SearchLogsRequest.newBuilder()
            .setVirtualService("cart")
            .setRange(since(t.minusSeconds(5)))
            .build();
    assertThat(paths(query().searchLogs(cart)))
        .containsExactly("/api/100%_done", "/static/x", "/api/pay", "/api/items");
    assertThat(paths(query().searchLogs(cart.toBuilder().setStatusMin(500).build())))
        .containsExactly("/api/pay");
    assertThat(paths(query().searchLogs(cart.toBuilder().setClientCidr("10.1.0.0/16").build())))
        .containsExactly("/api/pay", "/api/items");
    assertThat(paths(query().searchLogs(cart.toBuilder().setUriPrefix("/api/").build())))
        .containsExactly("/api/100%_done", "/api/pay", "/api/items");
    assertThat(paths(query().searchLogs(cart.toBuilder().setUriPrefix("/api/100%").build())))
        .containsExactly("/api/100%_done");
    assertThat(
            paths(
                query()
                    .searchLogs(
                        cart.toBuilder()
                            .setMinTotal(
                                com.google.protobuf.Duration.newBuilder().setNanos(5_000_000))
                            .build())))
        .containsExactly("/api/100%_done", "/api/pay");
    var first = query().searchLogs(cart.toBuilder().setPageSize(3).build());
    var second =
        query()
            .searchLogs(
                cart.toBuilder().setPageSize(3).setPageToken(first.getNextPageToken()).build());
    assertThat(paths(first)).containsExactly("/api/100%_done", "/static/x", "/api/pay");
    assertThat(paths(second)).containsExactly("/api/items");
    assertThat(second.getNextPageToken()).isEmpty();
    var log = first.getLogs(0);
    assertThat(log.getUserAgent()).isEqualTo("curl/8 \"quoted\", with comma");
    assertThat(log.getClientIp()).isEmpty(); // not an address: kept, without one
    assertThat(log.getSeId()).isEqualTo("se-logs");
    assertThat(log.getTiming().getTotal().getNanos()).isEqualTo(800_000_000);
    s.close();
  }

  @Test
  void aFollowSendsTheBacklogThenEachNewLogOnceEvenOneStoredLate() throws Exception {
    Instant t = Instant.now().minusSeconds(30);
    Reports.Stream s = new Reports.Stream(channel, Reports.ENGINE, "se-follow");
    s.send(
        logs(
            1,
            log(t, "followed", 200, "10.1.0.5", "/old-1", 1_000),
            log(t.plusSeconds(1), "followed", 200, "10.1.0.5", "/old-2", 1_000),
            log(t.plusSeconds(2), "followed", 500, "10.1.0.5", "/old-3", 1_000)));
    await().atMost(WAIT).until(() -> s.answers.stream().filter(r -> r.hasAck()).count() == 1);

    List<FollowLogsResponse> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.grpc.Context.CancellableContext follow = io.grpc.Context.current().withCancellation();
    follow.run(
        () ->
            AnalyticsQueryGrpc.newStub(as(channel, Reports.OPERATOR))
                .followLogs(
                    FollowLogsRequest.newBuilder()
                        .setFilter(SearchLogsRequest.newBuilder().setVirtualService("followed"))
                        .setBacklog(2)
                        .build(),
                    collect(seen)));
    await().atMost(WAIT).until(() -> !seen.isEmpty());
    assertThat(followed(seen)).containsExactly("/old-2", "/old-3"); // the newest 2, oldest first

    Instant now = Instant.now();
    s.send(
        logs(
            2,
            log(now, "followed", 200, "10.1.0.5", "/new-1", 1_000),
            log(now.plusMillis(1), "other", 200, "10.1.0.5", "/elsewhere", 1_000)));
    await().atMost(WAIT).until(() -> followed(seen).contains("/new-1"));
    // a batch that lands after a later one: its log is older than the newest sent, and still sent
    s.send(logs(3, log(now.minusSeconds(2), "followed", 200, "10.1.0.5", "/late", 1_000)));
    await().atMost(WAIT).until(() -> followed(seen).contains("/late"));
    s.send(logs(4, log(now.plusSeconds(1), "followed", 200, "10.1.0.5", "/new-2", 1_000)));
    await().atMost(WAIT).until(() -> followed(seen).contains("/new-2"));
    assertThat(followed(seen)).containsExactly("/old-2", "/old-3", "/new-1", "/late", "/new-2");
    follow.cancel(null);
    s.close();
  }

  @Test
  void aFollowRefusesARangeOrAPageAndTakesOperatorsOnly() {
    SearchLogsRequest filter = SearchLogsRequest.newBuilder().setVirtualService("x").build();
    for (var bad :
        Map.of(
                "filter.range",
                FollowLogsRequest.newBuilder()
                    .setFilter(filter.toBuilder().setRange(since(Instant.now()))),
                "filter.page_size",
                FollowLogsRequest.newBuilder().setFilter(filter.toBuilder().setPageSize(5)),
                "backlog",
                FollowLogsRequest.newBuilder().setFilter(filter).setBacklog(5000),
                "filter.virtual_service",
                FollowLogsRequest.newBuilder().setBacklog(1))
            .entrySet()) {
      Throwable refused =
          catchThrowable(() -> query().followLogs(bad.getValue().build()).hasNext());
      assertThat(field(refused)).as(bad.getKey()).isEqualTo(bad.getKey());
    }
    Throwable denied =
        catchThrowable(
            () ->
                AnalyticsQueryGrpc.newBlockingStub(as(channel, Reports.ENGINE))
                    .followLogs(FollowLogsRequest.newBuilder().setFilter(filter).build())
                    .hasNext());
    assertThat(((io.grpc.StatusRuntimeException) denied).getStatus().getCode())
        .isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
  }

  private static List<String> followed(List<FollowLogsResponse> seen) {
    return seen.stream()
        .flatMap(r -> r.getLogsList().stream())
        .map(io.gatehouse.api.analytics.v1.ClientLog::getUriPath)
        .toList();
  }

  private static <T> io.grpc.stub.StreamObserver<T> collect(List<T> into) {
    return new io.grpc.stub.StreamObserver<>() {
      @Override
      public void onNext(T value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  @Test
  void theAppMapLinksClientAppsToServicesAndServicesToMembers() {
    Instant t = Instant.now().minusSeconds(40);
    Reports.Stream s = new Reports.Stream(channel, Reports.ENGINE, "se-map");
    // the "stock" app's task serves "stock" and calls "basket"; 10.9.9.9 is no app's task
    s.send(batch(1, t, "stock", 40, 2, 1000, 2000));
    s.send(
        logs(
            1,
            log(t, "basket", 200, Reports.taskAddress("stock"), "/b", 3000),
            log(t.plusSeconds(1), "basket", 503, Reports.taskAddress("stock"), "/b", 9000),
            log(t.plusSeconds(2), "basket", 200, "10.9.9.9", "/b", 1000)));
    await()
        .atMost(WAIT)
        .until(
            () -> s.result(1) != null && s.answers.stream().filter(r -> r.hasAck()).count() == 2);
    var request =
        io.gatehouse.api.analytics.v1.GetAppMapRequest.newBuilder()
            .setRange(
                TimeRange.newBuilder()
                    .setStartTime(ts(t.minusSeconds(10)))
                    .setEndTime(ts(t.plusSeconds(20))))
            .build();
    await()
        .atMost(WAIT)
        .until(
            () ->
                query().getAppMap(request).getEdgesList().stream()
                    .anyMatch(e -> e.getTo().startsWith("member:stock/")));
    var map = query().getAppMap(request);

    assertThat(map.getNodesList())
        .extracting(n -> n.getId())
        .contains("vs:stock", "member:stock/task-1", "app:/stock", "vs:basket", "client:10.9.9.9");
    var toMember =
        map.getEdgesList().stream()
            .filter(e -> e.getFrom().equals("vs:stock"))
            .findFirst()
            .orElseThrow();
    assertThat(toMember.getTo()).isEqualTo("member:stock/task-1");
    assertThat(toMember.getRequestsPerSecond())
        .isCloseTo(40 / 30.0, org.assertj.core.data.Offset.offset(1e-9));
    var fromApp =
        map.getEdgesList().stream()
            .filter(e -> e.getFrom().equals("app:/stock"))
            .findFirst()
            .orElseThrow();
    assertThat(fromApp.getTo()).isEqualTo("vs:basket");
    assertThat(fromApp.getErrorRatio()).isEqualTo(0.5);
    assertThat(fromApp.getP95Total().getNanos()).isEqualTo(9_000_000);
    assertThat(map.getEdgesList())
        .anyMatch(e -> e.getFrom().equals("client:10.9.9.9") && e.getTo().equals("vs:basket"));
    s.close();
  }

  @Test
  void queriesBeyondTheirBoundsNameTheField() {
    assertThatThrownBy(
            () ->
                query()
                    .getMetrics(
                        GetMetricsRequest.newBuilder().setRange(since(Instant.now())).build()))
        .satisfies(e -> assertThat(field(e)).isEqualTo("target"));
    assertThatThrownBy(
            () ->
                query()
                    .getLatency(
                        GetLatencyRequest.newBuilder()
                            .setTarget(Target.newBuilder().setVirtualService("shop"))
                            .setRange(since(Instant.now().minus(Duration.ofDays(400))))
                            .build()))
        .satisfies(
            e -> {
              assertThat(field(e)).isEqualTo("range");
              assertThat(Status.fromThrowable(e).getDescription()).contains("366 days");
            });
    assertThatThrownBy(
            () ->
                query()
                    .searchLogs(
                        SearchLogsRequest.newBuilder()
                            .setVirtualService("cart")
                            .setRange(since(Instant.now().minusSeconds(60)))
                            .setPageSize(5000)
                            .build()))
        .satisfies(e -> assertThat(field(e)).isEqualTo("page_size"));
    assertThatThrownBy(
            () ->
                query()
                    .searchLogs(
                        SearchLogsRequest.newBuilder()
                            .setVirtualService("cart")
                            .setRange(since(Instant.now().minus(Duration.ofDays(8))))
                            .build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getDescription()).contains("7 days"));
  }

  @Test
  void operatorsQueryAndEnginesReport() {
    Reports.Stream asOperator = new Reports.Stream(channel, Reports.OPERATOR, "se-x");
    await().atMost(WAIT).until(() -> asOperator.error.get() != null);
    assertThat(Status.fromThrowable(asOperator.error.get()).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThatThrownBy(
            () ->
                AnalyticsQueryGrpc.newBlockingStub(as(channel, Reports.ENGINE))
                    .getMetrics(
                        GetMetricsRequest.newBuilder()
                            .setTarget(Target.newBuilder().setVirtualService("shop"))
                            .setRange(since(Instant.now().minusSeconds(60)))
                            .build()))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  private static String field(Throwable e) {
    assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    try {
      return StatusProto.fromThrowable(e)
          .getDetails(0)
          .unpack(BadRequest.class)
          .getFieldViolations(0)
          .getField();
    } catch (com.google.protobuf.InvalidProtocolBufferException x) {
      throw new AssertionError(x);
    }
  }

  private static List<String> paths(SearchLogsResponse response) {
    return response.getLogsList().stream().map(l -> l.getUriPath()).toList();
  }

  private static double point(Series series) {
    assertThat(series.getPointsList()).hasSize(1);
    Point p = series.getPoints(0);
    return p.getValue();
  }

  private static ComponentLatency component(List<ComponentLatency> all, TimingComponent which) {
    return all.stream().filter(c -> c.getComponent() == which).findFirst().orElseThrow();
  }

  private static long micros(com.google.protobuf.Duration d) {
    return d.getSeconds() * 1_000_000 + d.getNanos() / 1000;
  }
}
