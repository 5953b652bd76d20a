package io.gatehouse.analytics.query;

import io.gatehouse.analytics.rollup.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which rollup rows cover a time range exactly: the coarsest aligned rows that fit inside it, finer
 * ones at its edges, down to 5 s (the edges are exact to 5 s while 5 s rows are retained, else to
 * the finest level still retained). Merging the histograms of the planned rows gives percentiles
 * over the range itself, not over a rounded one, and reads few rows: a day is 24 hour rows, not
 * 17,280 five-second rows.
 */
final class RangePlan {
  /** A span [from, to) of buckets of one level. */
  record Span(Instant from, Instant to) {}

  private static final Level[] COARSE_FIRST = {
    Level.ONE_DAY, Level.ONE_HOUR, Level.ONE_MINUTE, Level.FIVE_SECONDS
  };

  private RangePlan() {}

  /** The spans to read per level for [start, end), given the rows retained at {@code now}. */
  static Map<Level, List<Span>> of(Instant start, Instant end, Instant now) {
    Map<Level, List<Span>> plan = new EnumMap<>(Level.class);
    Instant t = start;
    while (t.isBefore(end)) {
      Level use = null;
      for (Level level : COARSE_FIRST) {
        if (level.bucket(t).equals(t)
            && !t.plus(level.step()).isAfter(end)
            && level.retains(t, now)) {
          use = level;
          break;
        }
      }
      if (use == null) {
        for (int i = COARSE_FIRST.length - 1; i >= 0; i--) {
          if (COARSE_FIRST[i].retains(t, now) || i == 0) {
            use = COARSE_FIRST[i];
            break;
          }
        }
        t = use.bucket(t);
      }
      Instant next = t.plus(use.step());
      List<Span> spans = plan.computeIfAbsent(use, l -> new ArrayList<>());
      if (!spans.isEmpty() && spans.get(spans.size() - 1).to().equals(t)) {
        spans.set(spans.size() - 1, new Span(spans.get(spans.size() - 1).from(), next));
      } else {
        spans.add(new Span(t, next));
      }
      t = next;
    }
    return plan;
  }
}
