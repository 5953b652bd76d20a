package io.gatehouse.analytics.ingest;

import static io.gatehouse.analytics.Reports.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.gatehouse.analytics.AnalyticsDatabase;
import io.gatehouse.analytics.ingest.BatchStore.Outcome;
import io.gatehouse.api.analytics.v1.EngineMetrics;
import io.gatehouse.api.analytics.v1.MetricBatch;
import io.gatehouse.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Metric batches folded at ingest and written in groups, against a real PostgreSQL: a batch is
 * answered only when its group is written, counted once however often it is sent and through
 * however many replicas, and a histogram that cannot be read leaves out itself only.
 */
class MetricIngestIT {
  private final Instant start = Instant.now().minusSeconds(30);
  private DataSource dataSource;

  @BeforeEach
  void migrate() {
    dataSource = AnalyticsDatabase.fresh(null);
  }

  @Test
  void aBatchIsAnsweredWhenItsGroupIsWrittenAndNotBefore() throws Exception {
    MetricIngest ingest = new MetricIngest(dataSource, Clock.systemUTC());
    CompletableFuture<Outcome> answer =
        ingest.submit("se-1", batch(1, start, "orders", 10, 1, 500));
    assertThat(answer).isNotDone();
    assertThat(requests("orders")).isZero();

    ingest.writeGroup();
    assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
    assertThat(requests("orders")).isEqualTo(10);
    assertThat(ingest.written()).isEqualTo(1);
  }

  @Test
  void aBatchSentAgainBeforeItsGroupIsWrittenIsADuplicateCountedOnce() throws Exception {
    MetricIngest ingest = new MetricIngest(dataSource, Clock.systemUTC());
    MetricBatch batch =
        batch(7, start, "orders", 10, 0, 500).toBuilder()
            .setEngine(EngineMetrics.newBuilder().setMergedIntervals(2))
            .build();
    CompletableFuture<Outcome> first = ingest.submit("se-1", batch);
    CompletableFuture<Outcome> again = ingest.submit("se-1", batch);
    CompletableFuture<Outcome> otherEngine = ingest.submit("se-2", batch);

    ingest.writeGroup();
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
    assertThat(again.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.DUPLICATE);
    assertThat(otherEngine.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
    assertThat(requests("orders")).isEqualTo(20);
    assertThat(ingest.mergedIntervals()).as("the merges of each engine's batch, once").isEqualTo(4);

    // and once written, sending it again is answered at once
    assertThat(ingest.submit("se-1", batch).get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.DUPLICATE);
    assertThat(requests("orders")).isEqualTo(20);
    assertThat(ingest.mergedIntervals()).isEqualTo(4);
  }

  @Test
  void aGroupHoldingABatchAnotherReplicaWroteIsRefusedWholeAndSentAgain() throws Exception {
    MetricIngest first = new MetricIngest(dataSource, Clock.systemUTC());
    MetricIngest second = new MetricIngest(dataSource, Clock.systemUTC());
    MetricBatch resent = batch(1, start, "orders", 10, 0, 500);
    CompletableFuture<Outcome> viaFirst = first.submit("se-1", resent);
    // the engine lost its stream to the first replica and sent the batch to the second as well
    CompletableFuture<Outcome> viaSecond = second.submit("se-1", resent);
    CompletableFuture<Outcome> other = second.submit("se-2", batch(1, start, "orders", 5, 0, 500));

    first.writeGroup();
    assertThatThrownBy(second::writeGroup).isInstanceOf(MetricIngest.StoredElsewhere.class);
    assertThat(viaFirst.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
    assertThatThrownBy(() -> viaSecond.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(MetricIngest.StoredElsewhere.class);
    assertThat(other).isCompletedExceptionally();
    assertThat(requests("orders")).as("nothing of the refused group").isEqualTo(10);
    assertThat(second.failures()).isEqualTo(1);

    // the engines send again: the written batch is a duplicate, the other one counts now
    CompletableFuture<Outcome> resentAgain = second.submit("se-1", resent);
    CompletableFuture<Outcome> otherAgain =
        second.submit("se-2", batch(1, start, "orders", 5, 0, 500));
    second.writeGroup();
    assertThat(resentAgain.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.DUPLICATE);
    assertThat(otherAgain.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
    assertThat(requests("orders")).isEqualTo(15);
  }

  @Test
  void aHistogramThatCannotBeReadLeavesOutItselfOnly() throws Exception {
    MetricBatch good = batch(1, start, "orders", 10, 0, 500, 700);
    MetricBatch.Builder bad = good.toBuilder();
    bad.getVirtualServicesBuilder(0)
        .getTimingsBuilder()
        .getTotalBuilder()
        .setHdrCompressed(ByteString.copyFromUtf8("not a histogram at all"));
    MetricIngest ingest = new MetricIngest(dataSource, Clock.systemUTC());
    CompletableFuture<Outcome> answer = ingest.submit("se-1", bad.build());
    ingest.writeGroup();

    assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
    assertThat(requests("orders")).isEqualTo(10);
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT total IS NULL, app_response IS NOT NULL FROM rollup"
                    + " WHERE level = 5 AND kind = 'v' AND subject = 'orders'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("the unreadable total is left out").isTrue();
      assertThat(rs.getBoolean(2)).as("the readable app response counts").isTrue();
    }
  }

  @Test
  void upgradingStopsWhileTheOldRollerStillHasBatchesToFold() throws SQLException {
    DataSource ds = AnalyticsDatabase.dataSource(TestPostgres.freshDatabase());
    Flyway before = AnalyticsDatabase.flyway(ds, "2");
    before.migrate();
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO analytics.pending_metrics (se_id, payload) VALUES ('se-1', '\\x00')");
    }
    assertThatThrownBy(() -> AnalyticsDatabase.flyway(ds, null).migrate())
        .isInstanceOf(FlywayException.class)
        .hasMessageContaining("run the previous analytics-svc version until the table is empty");
  }

  private long requests(String vs) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT coalesce(sum(requests), 0) FROM rollup"
                    + " WHERE level = 60 AND kind = 'v' AND subject = '"
                    + vs
                    + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
