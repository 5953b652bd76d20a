package io.gatehouse.analytics.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.gatehouse.analytics.AnalyticsDatabase;
import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.ConnectionEnd;
import io.gatehouse.api.analytics.v1.L4Protocol;
import io.gatehouse.api.analytics.v1.RequestTiming;
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

  @Test
  void anL4LogKeepsWhatItIsOfAndAnEnumNumberNoEngineMayMeanIsStoredAsUnspecified()
      throws Exception {
    DataSource ds = AnalyticsDatabase.fresh(null);
    LogStore store = new LogStore(ds, 7, Clock.fixed(NOW, ZoneOffset.UTC));
    ClientLog tcp =
        at(NOW).toBuilder()
            .setL4Protocol(L4Protocol.L4_PROTOCOL_TCP)
            .setConnectionEnd(ConnectionEnd.CONNECTION_END_IDLE_TIMEOUT)
            .setTiming(
                RequestTiming.newBuilder()
                    .setMemberConnect(com.google.protobuf.Duration.newBuilder().setNanos(250_000)))
            .build();
    ClientLog hostile =
        at(NOW).toBuilder().setL4ProtocolValue(99).setConnectionEndValue(-7).build();

    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      store.copy(c, "se-1", List.of(tcp, hostile));
      c.commit();
    }

    assertThat(
            AnalyticsDatabase.column(
                ds,
                "SELECT l4_protocol || '/' || connection_end || '/' || member_connect_us"
                    + " FROM client_log ORDER BY seq"))
        .containsExactly("1/3/250", "0/0/0");
  }
}
