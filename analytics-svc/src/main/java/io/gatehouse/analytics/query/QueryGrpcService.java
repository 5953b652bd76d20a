package io.gatehouse.analytics.query;

import com.google.protobuf.Timestamp;
import io.gatehouse.analytics.auth.Role;
import io.gatehouse.analytics.autoscale.DecisionStore;
import io.gatehouse.analytics.rollup.Level;
import io.gatehouse.analytics.rollup.RollupRow;
import io.gatehouse.analytics.rollup.RollupStore;
import io.gatehouse.analytics.rollup.Subject;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.AutoscaleDecision;
import io.gatehouse.api.analytics.v1.ComponentLatency;
import io.gatehouse.api.analytics.v1.FollowLogsRequest;
import io.gatehouse.api.analytics.v1.FollowLogsResponse;
import io.gatehouse.api.analytics.v1.GetAppMapRequest;
import io.gatehouse.api.analytics.v1.GetAppMapResponse;
import io.gatehouse.api.analytics.v1.GetLatencyRequest;
import io.gatehouse.api.analytics.v1.GetLatencyResponse;
import io.gatehouse.api.analytics.v1.GetMetricsRequest;
import io.gatehouse.api.analytics.v1.GetMetricsResponse;
import io.gatehouse.api.analytics.v1.ListAutoscaleDecisionsRequest;
import io.gatehouse.api.analytics.v1.ListAutoscaleDecisionsResponse;
import io.gatehouse.api.analytics.v1.Metric;
import io.gatehouse.api.analytics.v1.Percentile;
import io.gatehouse.api.analytics.v1.Point;
import io.gatehouse.api.analytics.v1.SearchLogsRequest;
import io.gatehouse.api.analytics.v1.SearchLogsResponse;
import io.gatehouse.api.analytics.v1.Series;
import io.gatehouse.api.analytics.v1.Target;
import io.gatehouse.api.analytics.v1.TimeRange;
import io.gatehouse.api.analytics.v1.TimingComponent;
import io.gatehouse.api.cluster.v1.GetLeadersRequest;
import io.gatehouse.api.cluster.v1.GetLeadersResponse;
import io.gatehouse.common.grpc.Errors;
import io.gatehouse.common.leader.LeaderElection;
import io.gatehouse.common.leader.LeadersAnswer;
import io.gatehouse.common.leader.Replicas;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;

/**
 * {@code AnalyticsQuery}: time series and latency percentiles from the rollups, client log search.
 * Every query is bounded; a request past a bound fails with INVALID_ARGUMENT naming the field and
 * the limit.
 */
@Singleton
final class QueryGrpcService extends AnalyticsQueryGrpc.AnalyticsQueryImplBase {
  private static final Duration MAX_RANGE = Duration.ofDays(366);
  private static final int MAX_POINTS = 2000;
  private static final List<Metric> DEFAULT_METRICS =
      List.of(
          Metric.METRIC_REQUESTS,
          Metric.METRIC_ERRORS_4XX,
          Metric.METRIC_ERRORS_5XX,
          Metric.METRIC_BYTES_IN,
          Metric.METRIC_BYTES_OUT,
          Metric.METRIC_OPEN_CONNECTIONS);
  private static final List<Double> DEFAULT_PERCENTILES = List.of(50.0, 90.0, 95.0, 99.0, 99.9);

  private final DataSource dataSource;
  private final LogSearch logs;
  private final DecisionStore decisionStore;
  private final AppMap appMap;
  private final LogFollows follows;
  private final Clock clock = Clock.systemUTC();
  private final List<LeaderElection> elections;
  private final String replica;

  QueryGrpcService(
      DataSource dataSource,
      LogSearch logs,
      DecisionStore decisionStore,
      AppMap appMap,
      LogFollows follows,
      List<LeaderElection> elections,
      @Value("${grpc.server.port:0}") int grpcPort) {
    this.elections = elections;
    this.replica = Replicas.name(grpcPort);
    this.dataSource = dataSource;
    this.logs = logs;
    this.follows = follows;
    this.decisionStore = decisionStore;
    this.appMap = appMap;
  }

  @Override
  public void getLeaders(GetLeadersRequest request, StreamObserver<GetLeadersResponse> out) {
    answer(out, () -> LeadersAnswer.ofElections(replica, elections));
  }

  @Override
  public void getAppMap(GetAppMapRequest request, StreamObserver<GetAppMapResponse> out) {
    answer(out, () -> appMap.build(request, clock.instant()));
  }

  @Override
  public void getMetrics(GetMetricsRequest request, StreamObserver<GetMetricsResponse> out) {
    answer(out, () -> metrics(request));
  }

  @Override
  public void getLatency(GetLatencyRequest request, StreamObserver<GetLatencyResponse> out) {
    answer(out, () -> latency(request));
  }

  @Override
  public void searchLogs(SearchLogsRequest request, StreamObserver<SearchLogsResponse> out) {
    answer(out, () -> logs.search(request, clock.instant()));
  }

  @Override
  public void followLogs(FollowLogsRequest request, StreamObserver<FollowLogsResponse> out) {
    if (Role.current() != Role.OPERATOR) {
      throw Status.PERMISSION_DENIED
          .withDescription("AnalyticsQuery is for operators: use an operator token")
          .asRuntimeException();
    }
    follows.start(request, (ServerCallStreamObserver<FollowLogsResponse>) out);
  }

  @Override
  public void listAutoscaleDecisions(
      ListAutoscaleDecisionsRequest request, StreamObserver<ListAutoscaleDecisionsResponse> out) {
    answer(out, () -> decisions(request));
  }

  private ListAutoscaleDecisionsResponse decisions(ListAutoscaleDecisionsRequest request) {
    Instant now = clock.instant();
    Instant[] range =
        request.hasRange()
            ? range(request.getRange(), MAX_RANGE, now)
            : new Instant[] {now.minus(Duration.ofDays(1)), now.plusSeconds(1)};
    int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
    if (size < 1 || size > 1000) {
      throw Errors.invalidArgument("page_size", "must be 1 to 1000 (0 means 100)");
    }
    long before = 0;
    if (!request.getPageToken().isEmpty()) {
      try {
        before = Long.parseLong(request.getPageToken());
      } catch (NumberFormatException e) {
        throw Errors.invalidArgument("page_token", "is not a token this list returned");
      }
    }
    long beforeId = before;
    List<AutoscaleDecision> page =
        read(
            c ->
                decisionStore.list(
                    null,
                    request.getAppId(),
                    request.getPolicy(),
                    range[0],
                    range[1],
                    beforeId,
                    size + 1));
    ListAutoscaleDecisionsResponse.Builder response =
        ListAutoscaleDecisionsResponse.newBuilder()
            .addAllDecisions(page.subList(0, Math.min(size, page.size())));
    if (page.size() > size) {
      response.setNextPageToken(page.get(size - 1).getId());
    }
    return response.build();
  }

  private GetMetricsResponse metrics(GetMetricsRequest request) {
    Subject subject = subject(request.getTarget());
    Instant now = clock.instant();
    Instant[] range = range(request.getRange(), MAX_RANGE, now);
    Duration asked =
        Duration.ofSeconds(request.getStep().getSeconds(), request.getStep().getNanos());
    Duration span = Duration.between(range[0], range[1]);
    Level level = levelFor(range[0], asked, span, now);
    long stepSeconds = Math.max(level.seconds(), roundUp(asked.toSeconds(), level.seconds()));
    long minimum = roundUp((span.getSeconds() + MAX_POINTS - 1) / MAX_POINTS, level.seconds());
    stepSeconds = Math.max(stepSeconds, minimum);
    List<RollupStore.Row> rows =
        read(c -> RollupStore.rows(c, level, subject, level.bucket(range[0]), range[1], false));
    Map<Long, RollupRow> steps = new TreeMap<>();
    for (RollupStore.Row row : rows) {
      long s = row.bucket().getEpochSecond();
      steps
          .computeIfAbsent(s - Math.floorMod(s, stepSeconds), k -> new RollupRow())
          .add(row.figures());
    }
    List<Metric> wanted =
        request.getMetricsCount() == 0 ? DEFAULT_METRICS : request.getMetricsList();
    GetMetricsResponse.Builder response =
        GetMetricsResponse.newBuilder()
            .setStep(com.google.protobuf.Duration.newBuilder().setSeconds(stepSeconds));
    for (Metric metric : wanted) {
      if (metric == Metric.METRIC_UNSPECIFIED || metric == Metric.UNRECOGNIZED) {
        throw Errors.invalidArgument("metrics", "names an unknown metric");
      }
      Series.Builder series = Series.newBuilder().setMetric(metric);
      long step = stepSeconds;
      steps.forEach(
          (start, figures) -> {
            Double value = value(metric, figures, step);
            if (value != null) {
              series.addPoints(
                  Point.newBuilder()
                      .setTime(Timestamp.newBuilder().setSeconds(start))
                      .setValue(value));
            }
          });
      response.addSeries(series);
    }
    return response.build();
  }

  /**
   * The finest level that still holds {@code start}, is at least as coarse as the step asked for,
   * and gives at most 2000 points.
   */
  private static Level levelFor(Instant start, Duration asked, Duration span, Instant now) {
    for (Level candidate : Level.values()) {
      if (candidate.retains(start, now)
          && candidate.step().compareTo(asked) >= 0
          && span.dividedBy(candidate.step()) <= MAX_POINTS) {
        return candidate;
      }
    }
    return Level.ONE_DAY;
  }

  private static Double value(Metric metric, RollupRow r, long seconds) {
    return switch (metric) {
      case METRIC_REQUESTS -> r.requests / (double) seconds;
      case METRIC_ERRORS_4XX -> r.responses4xx / (double) seconds;
      case METRIC_ERRORS_5XX -> r.responses5xx / (double) seconds;
      case METRIC_CONNECT_ERRORS -> r.connectErrors / (double) seconds;
      case METRIC_BYTES_IN -> r.bytesIn / (double) seconds;
      case METRIC_BYTES_OUT -> r.bytesOut / (double) seconds;
      case METRIC_OPEN_CONNECTIONS -> r.connectionSeconds / seconds;
      case METRIC_NEW_CONNECTIONS -> r.connectionsOpened / (double) seconds;
      case METRIC_HEALTHY_MEMBERS -> r.healthyMembers == null ? null : (double) r.healthyMembers;
      case METRIC_CONNECTIONS_DENIED -> r.connectionsDenied / (double) seconds;
      case METRIC_RATE_LIMITED -> r.rateLimited / (double) seconds;
      case METRIC_UNSPECIFIED, UNRECOGNIZED -> null;
    };
  }

  private GetLatencyResponse latency(GetLatencyRequest request) {
    Subject subject = subject(request.getTarget());
    Instant now = clock.instant();
    Instant[] range = range(request.getRange(), MAX_RANGE, now);
    List<Double> percentiles =
        request.getPercentilesCount() == 0 ? DEFAULT_PERCENTILES : request.getPercentilesList();
    for (double p : percentiles) {
      if (!(p > 0 && p <= 100)) {
        throw Errors.invalidArgument("percentiles", p + " is not in (0, 100]");
      }
    }
    RollupRow merged = new RollupRow();
    Map<Level, List<RangePlan.Span>> plan = RangePlan.of(range[0], range[1], now);
    read(
        c -> {
          for (Map.Entry<Level, List<RangePlan.Span>> e : plan.entrySet()) {
            for (RangePlan.Span span : e.getValue()) {
              for (RollupStore.Row row :
                  RollupStore.rows(c, e.getKey(), subject, span.from(), span.to(), true)) {
                merged.add(row.figures());
              }
            }
          }
          return null;
        });
    GetLatencyResponse.Builder response = GetLatencyResponse.newBuilder();
    TimingComponent[] components = {
      TimingComponent.TIMING_COMPONENT_CLIENT_RTT,
      TimingComponent.TIMING_COMPONENT_SERVER_RTT,
      TimingComponent.TIMING_COMPONENT_APP_RESPONSE,
      TimingComponent.TIMING_COMPONENT_DATA_TRANSFER,
      TimingComponent.TIMING_COMPONENT_TOTAL,
      TimingComponent.TIMING_COMPONENT_MEMBER_CONNECT
    };
    for (int i = 0; i < components.length; i++) {
      Histogram h = merged.timings[i];
      ComponentLatency.Builder component =
          ComponentLatency.newBuilder().setComponent(components[i]);
      if (h != null && h.getTotalCount() > 0) {
        component
            .setCount(h.getTotalCount())
            .setMean(Durations.micros(Math.round(h.getMean())))
            .setMax(Durations.micros(h.getMaxValue()));
        for (double p : percentiles) {
          component.addPercentiles(
              Percentile.newBuilder()
                  .setPercentile(p)
                  .setValue(Durations.micros(h.getValueAtPercentile(p))));
        }
      }
      response.addComponents(component);
    }
    return response.build();
  }

  static Subject subject(Target target) {
    return switch (target.getSubjectCase()) {
      case VIRTUAL_SERVICE -> {
        if (target.getVirtualService().isBlank()) {
          throw Errors.invalidArgument("target.virtual_service", "is empty");
        }
        yield Subject.virtualService(target.getVirtualService());
      }
      case POOL_MEMBER -> {
        if (target.getPoolMember().getPool().isBlank()
            || target.getPoolMember().getEndpointId().isBlank()) {
          throw Errors.invalidArgument("target.pool_member", "needs pool and endpoint_id");
        }
        yield Subject.poolMember(
            target.getPoolMember().getPool(), target.getPoolMember().getEndpointId());
      }
      case SERVICE_ENGINE -> {
        if (target.getServiceEngine().isBlank()) {
          throw Errors.invalidArgument("target.service_engine", "is empty");
        }
        yield Subject.engine(target.getServiceEngine());
      }
      case SUBJECT_NOT_SET ->
          throw Errors.invalidArgument(
              "target", "is required: a virtual service, pool member or service engine");
    };
  }

  /** The range as [start, end), checked against {@code max}. */
  static Instant[] range(TimeRange range, Duration max, Instant now) {
    if (!range.hasStartTime()) {
      throw Errors.invalidArgument("range.start_time", "is required");
    }
    Instant start = instant(range.getStartTime());
    Instant end = range.hasEndTime() ? instant(range.getEndTime()) : now;
    if (!end.isAfter(start)) {
      throw Errors.invalidArgument("range", "end_time must be after start_time");
    }
    if (Duration.between(start, end).compareTo(max) > 0) {
      throw Errors.invalidArgument(
          "range", "spans more than the limit of " + max.toDays() + " days");
    }
    return new Instant[] {start, end};
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static long roundUp(long value, long multiple) {
    return ((value + multiple - 1) / multiple) * multiple;
  }

  private interface Read<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T read(Read<T> read) {
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      return read.run(c);
    } catch (SQLException e) {
      throw Status.UNAVAILABLE
          .withDescription("the analytics store does not answer; try again")
          .asRuntimeException();
    }
  }

  static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
    T response;
    try {
      if (Role.current() != Role.OPERATOR) {
        throw Status.PERMISSION_DENIED
            .withDescription("AnalyticsQuery is for operators: use an operator token")
            .asRuntimeException();
      }
      response = call.get();
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }
}
