package io.gatehouse.analytics.ingest;

import static io.gatehouse.analytics.Reports.as;
import static io.gatehouse.analytics.Reports.batch;
import static io.gatehouse.analytics.Reports.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.analytics.Reports;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.BatchResult;
import io.gatehouse.api.analytics.v1.GetMetricsRequest;
import io.gatehouse.api.analytics.v1.Metric;
import io.gatehouse.api.analytics.v1.Target;
import io.gatehouse.api.analytics.v1.TimeRange;
import io.gatehouse.testsupport.RestartablePostgres;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * PostgreSQL stops under a reporting engine: the batch sent meanwhile is not acknowledged (the
 * stream ends UNAVAILABLE); after the restart the engine reconnects and resends everything it has
 * not seen acknowledged, and every batch is counted exactly once.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestDurabilityIT implements TestPropertyProvider {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Inject GrpcEmbeddedServer server;
  @Inject MeterRegistry registry;
  @Inject DataSource dataSource;
  private RestartablePostgres postgres;

  @Override
  public Map<String, String> getProperties() {
    postgres = RestartablePostgres.start("analytics");
    return Map.of(
        "datasources.default.url", postgres.jdbcUrl("analytics"),
        "datasources.default.username", "postgres",
        "datasources.default.password", "",
        "datasources.default.connection-timeout", "1000");
  }

  @AfterAll
  void stopDatabase() {
    postgres.close();
  }

  @Test
  void aBatchSentWhileTheDatabaseIsDownIsResentAndCountedOnce() {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      Instant start = Instant.now().minusSeconds(20);
      Reports.Stream before = new Reports.Stream(channel, Reports.ENGINE, "se-1");
      before.send(batch(1, start, "orders", 10, 0, 1000));
      await().atMost(WAIT).until(() -> before.result(1) == BatchResult.BATCH_RESULT_STORED);

      postgres.stop();
      before.send(batch(2, start.plusSeconds(1), "orders", 20, 0, 2000));
      await().atMost(WAIT).until(() -> before.error.get() != null);
      assertThat(Status.fromThrowable(before.error.get()).getCode())
          .isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(before.result(2)).as("not acknowledged while the database is down").isNull();

      postgres.restart();
      // the engine reconnects and resends what it holds, batch 2 and batch 1 whose ack it lost,
      // on a new stream whenever one ends (the first ones may meet connections the restart broke)
      java.util.concurrent.atomic.AtomicReference<Reports.Stream> current =
          new java.util.concurrent.atomic.AtomicReference<>();
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(300))
          .until(
              () -> {
                Reports.Stream stream = current.get();
                if (stream == null || stream.error.get() != null) {
                  stream = new Reports.Stream(channel, Reports.ENGINE, "se-1");
                  stream.send(batch(2, start.plusSeconds(1), "orders", 20, 0, 2000));
                  stream.send(batch(1, start, "orders", 10, 0, 1000));
                  current.set(stream);
                }
                return stream.result(1) != null && stream.result(2) != null;
              });
      Reports.Stream after = current.get();
      assertThat(after.result(2)) // duplicate when an earlier stream stored it but broke after
          .isIn(BatchResult.BATCH_RESULT_STORED, BatchResult.BATCH_RESULT_DUPLICATE);
      assertThat(after.result(1)).isEqualTo(BatchResult.BATCH_RESULT_DUPLICATE);

      var stub = AnalyticsQueryGrpc.newBlockingStub(as(channel, Reports.OPERATOR));
      GetMetricsRequest requests =
          GetMetricsRequest.newBuilder()
              .setTarget(Target.newBuilder().setVirtualService("orders"))
              .setRange(TimeRange.newBuilder().setStartTime(ts(start.minusSeconds(60))))
              .setStep(com.google.protobuf.Duration.newBuilder().setSeconds(60))
              .addMetrics(Metric.METRIC_REQUESTS)
              .build();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(requestsSince(stub, requests))
                      .as(this::whatTheStoreHolds)
                      .isCloseTo(30.0, org.assertj.core.data.Offset.offset(1e-9)));
      assertThat(registry.get("gatehouse.analytics.rollup.batches").functionCounter().count())
          .as("each stored batch written to the rollups once")
          .isEqualTo(2.0);
      after.close();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aStatementOnAConnectionThatDiedSilentlyGivesUpInsteadOfWedgingTheRoller()
      throws SQLException {
    // the driver takes its properties as strings only: a number in the YAML would be ignored
    try (Connection c = dataSource.getConnection()) {
      assertThat(c.getNetworkTimeout()).isEqualTo(60_000);
    }
  }

  private static double requestsSince(
      AnalyticsQueryGrpc.AnalyticsQueryBlockingStub stub, GetMetricsRequest requests) {
    return stub
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getMetrics(requests)
        .getSeries(0)
        .getPointsList()
        .stream()
        .mapToDouble(p -> p.getValue() * 60)
        .sum();
  }

  /** What a failure message shows: the ids seen, the minute rows. */
  private String whatTheStoreHolds() {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("analytics"), "postgres", "");
        Statement st = c.createStatement()) {
      StringBuilder held = new StringBuilder("the store holds:");
      for (String query :
          List.of(
              "SELECT string_agg(kind || batch_id, ',') FROM analytics.ingested_batch",
              "SELECT string_agg(level || '@' || bucket || '=' || requests, ', ')"
                  + " FROM analytics.rollup WHERE kind = 'v'")) {
        try (ResultSet rs = st.executeQuery(query)) {
          rs.next();
          held.append("\n  ").append(query).append(" -> ").append(rs.getString(1));
        }
      }
      return held.toString();
    } catch (SQLException e) {
      return "the store could not be read: " + e;
    }
  }
}
