package io.gatehouse.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.analytics.rollup.Level;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RangePlanTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  @Test
  void aRangeIsCoveredByTheCoarsestAlignedRowsWithFinerOnesAtItsEdges() {
    Instant start = Instant.parse("2026-11-21T11:28:55Z");
    Instant end = Instant.parse("2026-11-21T11:59:10Z");

    Map<Level, List<RangePlan.Span>> plan = RangePlan.of(start, end, NOW);

    assertThat(plan.get(Level.FIVE_SECONDS))
        .containsExactly(
            new RangePlan.Span(start, Instant.parse("2026-11-21T11:29:00Z")),
            new RangePlan.Span(
                Instant.parse("2026-11-21T11:59:00Z"), Instant.parse("2026-11-21T11:59:10Z")));
    assertThat(plan.get(Level.ONE_MINUTE))
        .containsExactly(
            new RangePlan.Span(
                Instant.parse("2026-11-21T11:29:00Z"), Instant.parse("2026-11-21T11:59:00Z")));
    assertThat(plan).doesNotContainKey(Level.ONE_HOUR);
  }

  @Test
  void aDayIsReadFromHourRowsAndItsEdgesFromMinuteRows() {
    Instant start = Instant.parse("2026-11-20T12:30:00Z");
    Instant end = Instant.parse("2026-11-21T11:30:00Z");

    Map<Level, List<RangePlan.Span>> plan = RangePlan.of(start, end, NOW);

    assertThat(plan).doesNotContainKey(Level.FIVE_SECONDS);
    assertThat(plan.get(Level.ONE_MINUTE))
        .containsExactly(
            new RangePlan.Span(start, Instant.parse("2026-11-20T13:00:00Z")),
            new RangePlan.Span(Instant.parse("2026-11-21T11:00:00Z"), end));
    assertThat(plan.get(Level.ONE_HOUR))
        .containsExactly(
            new RangePlan.Span(
                Instant.parse("2026-11-20T13:00:00Z"), Instant.parse("2026-11-21T11:00:00Z")));
  }

  @Test
  void edgesOlderThanTheFinestRetainedLevelRoundToIt() {
    Instant start = Instant.parse("2026-11-17T06:30:10Z"); // only hour and day rows remain
    Instant end = Instant.parse("2026-11-17T08:00:00Z");

    Map<Level, List<RangePlan.Span>> plan = RangePlan.of(start, end, NOW);

    assertThat(plan.keySet()).containsExactly(Level.ONE_HOUR);
    assertThat(plan.get(Level.ONE_HOUR))
        .containsExactly(new RangePlan.Span(Instant.parse("2026-11-17T06:00:00Z"), end));
  }
}
