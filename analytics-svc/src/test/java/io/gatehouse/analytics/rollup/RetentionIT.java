package io.gatehouse.analytics.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.analytics.AnalyticsDatabase;
import io.gatehouse.analytics.logs.LogStoreRetention;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Retention: each rollup level keeps its rows for its own time (5 s rows an hour, minutes a day,
 * hours a week, days a year), and client logs are dropped a whole day at a time past theirs.
 */
class RetentionIT {
  private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

  @Test
  void eachLevelKeepsItsRowsForItsOwnRetentionAndNoLonger() throws Exception {
    DataSource ds = AnalyticsDatabase.fresh(null);
    Map<RollupStore.Key, RollupRow> rows = new HashMap<>();
    for (Level level : Level.values()) {
      put(rows, level, NOW.minus(level.retention()).minusSeconds(level.seconds())); // past it
      put(rows, level, NOW.minus(level.retention()).plusSeconds(level.seconds())); // within it
    }
    try (Connection c = ds.getConnection()) {
      RollupStore.add(c, rows);

      assertThat(RollupStore.prune(c, NOW)).isEqualTo(Level.values().length);
      assertThat(RollupStore.prune(c, NOW)).as("nothing left to prune").isZero();
    }
    List<String> kept =
        AnalyticsDatabase.column(ds, "SELECT level || '@' || bucket FROM rollup ORDER BY level");
    assertThat(kept).hasSize(Level.values().length);
    for (Level level : Level.values()) {
      Instant within = NOW.minus(level.retention()).plusSeconds(level.seconds());
      assertThat(
              AnalyticsDatabase.column(
                  ds,
                  "SELECT count(*) FROM rollup WHERE level = "
                      + level.seconds()
                      + " AND bucket = '"
                      + within
                      + "'"))
          .as(level + " within its retention")
          .containsExactly("1");
    }
  }

  @Test
  void clientLogsAreDroppedADayAtATimePastTheirRetention() throws Exception {
    DataSource ds = AnalyticsDatabase.fresh(null);
    // logs of nine days, each stored while it was today
    for (int daysAgo = 8; daysAgo >= 0; daysAgo--) {
      LogStoreRetention.storeOne(ds, 7, NOW.minus(Duration.ofDays(daysAgo)));
    }
    assertThat(partitions(ds)).contains("client_log_20260607", "client_log_20260615");

    LogStoreRetention.maintain(ds, 7, NOW);
    assertThat(partitions(ds))
        .as("seven days kept, today's and tomorrow's made")
        .doesNotContain("client_log_20260607")
        .contains("client_log_20260608", "client_log_20260615", "client_log_20260616");

    LogStoreRetention.maintain(ds, 7, NOW.plus(Duration.ofDays(1)));
    assertThat(partitions(ds))
        .doesNotContain("client_log_20260608")
        .contains("client_log_20260609");
    assertThat(AnalyticsDatabase.column(ds, "SELECT count(*) FROM client_log"))
        .as("the logs of the days kept stay")
        .containsExactly("7");
  }

  private static void put(Map<RollupStore.Key, RollupRow> rows, Level level, Instant bucket) {
    RollupRow row = new RollupRow();
    row.requests = 1;
    row.virtualService = "web";
    rows.put(new RollupStore.Key(level, Subject.virtualService("web"), bucket), row);
  }

  private static List<String> partitions(DataSource ds) throws Exception {
    return AnalyticsDatabase.column(
        ds,
        "SELECT relname FROM pg_class WHERE relname LIKE 'client\\_log\\_%' AND relkind = 'r'"
            + " ORDER BY relname");
  }
}
