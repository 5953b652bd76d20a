package io.gatehouse.analytics.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.gatehouse.analytics.AnalyticsDatabase;
import io.gatehouse.api.analytics.v1.ClientLog;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Client logs against a real PostgreSQL: an engine's dates are bounded before they make days. */
class LogStoreIT {
  private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

  private static ClientLog at(Instant time) {
    return ClientLog.newBuilder()
        .setTime(Timestamp.newBuilder().setSeconds(time.getEpochSecond()))
        .setVirtualService("web")
        .setMethod("GET")
        .setUriPath("/")
        .setStatus(200)
        .build();
  }

  @Test
  void logsDatedBeforeTheRetentionOrTooFarAheadAreLeftOutAndMakeNoPartition() throws Exception {
    DataSource ds = AnalyticsDatabase.fresh(null);
    LogStore store = new LogStore(ds, 7, Clock.fixed(NOW, ZoneOffset.UTC));
    List<ClientLog> logs =
        List.of(
            at(NOW.minus(Duration.ofHours(1))), // kept
            at(NOW.plus(Duration.ofMinutes(4))), // a clock a little ahead: kept
            at(NOW.minus(Duration.ofDays(6))), // within the retention: kept
            at(NOW.plus(Duration.ofHours(1))),
            at(NOW.minus(Duration.ofDays(9))),
            at(Instant.parse("1999-01-01T00:00:00Z")),
            at(Instant.parse("2300-01-01T00:00:00Z")));

    int leftOut;
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      leftOut = store.copy(c, "se-1", logs);
      c.commit();
    }

    assertThat(leftOut).isEqualTo(4);
    assertThat(AnalyticsDatabase.column(ds, "SELECT count(*) FROM client_log"))
        .containsExactly("3");
    assertThat(
            AnalyticsDatabase.column(
                ds,
                "SELECT relname FROM pg_class WHERE relname LIKE 'client\\_log\\_%'"
                    + " AND relkind = 'r' ORDER BY relname"))
        .containsExactly("client_log_20260609", "client_log_20260615");
  }
}
