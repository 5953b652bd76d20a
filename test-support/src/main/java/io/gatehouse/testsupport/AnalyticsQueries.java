package io.gatehouse.testsupport;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.GetMetricsRequest;
import io.gatehouse.api.analytics.v1.Metric;
import io.gatehouse.api.analytics.v1.Target;
import io.gatehouse.api.analytics.v1.TimeRange;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** What the tests across services ask analytics-svc's query API. */
public final class AnalyticsQueries {
  private AnalyticsQueries() {}

  /** How many {@code metric} events analytics-svc counted for virtual service {@code vs} since. */
  public static long total(
      AnalyticsQueryGrpc.AnalyticsQueryBlockingStub query,
      String vs,
      Metric metric,
      Instant since) {
    var response =
        query
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getMetrics(
                GetMetricsRequest.newBuilder()
                    .setTarget(Target.newBuilder().setVirtualService(vs))
                    .setRange(since(since))
                    .addMetrics(metric)
                    .build());
    double seconds = response.getStep().getSeconds();
    return Math.round(
        response.getSeries(0).getPointsList().stream()
            .mapToDouble(p -> p.getValue() * seconds)
            .sum());
  }

  /** The range from {@code start} to now. */
  public static TimeRange since(Instant start) {
    return TimeRange.newBuilder()
        .setStartTime(
            Timestamp.newBuilder().setSeconds(start.getEpochSecond()).setNanos(start.getNano()))
        .build();
  }
}
