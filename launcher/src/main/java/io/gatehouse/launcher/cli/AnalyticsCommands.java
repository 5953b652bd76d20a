package io.gatehouse.launcher.cli;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.FollowLogsRequest;
import io.gatehouse.api.analytics.v1.GetAppMapRequest;
import io.gatehouse.api.analytics.v1.GetLatencyRequest;
import io.gatehouse.api.analytics.v1.GetMetricsRequest;
import io.gatehouse.api.analytics.v1.ListAutoscaleDecisionsRequest;
import io.gatehouse.api.analytics.v1.Metric;
import io.gatehouse.api.analytics.v1.SearchLogsRequest;
import io.gatehouse.api.analytics.v1.Target;
import io.gatehouse.api.analytics.v1.TimeRange;
import io.grpc.Channel;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The CLI's analytics commands: metrics and latency, client logs, the app map, autoscaling. */
public final class AnalyticsCommands {
  private AnalyticsCommands() {}

  @Command(name = "metrics", description = "Requests, errors and latency of a virtual service.")
  public static final class Metrics extends Commands.Base {
    @Parameters(paramLabel = "VIRTUAL_SERVICE")
    String virtualService;

    @Option(names = "--minutes", description = "how far back (default: ${DEFAULT-VALUE})")
    int minutes = 10;

    @Override
    void run(Function<String, Channel> channels) throws Exception {
      var query =
          AnalyticsQueryGrpc.newBlockingStub(channels.apply(connection.analytics))
              .withDeadlineAfter(10, TimeUnit.SECONDS);
      TimeRange range = since(minutes);
      Target target = Target.newBuilder().setVirtualService(virtualService).build();
      var metrics =
          query.getMetrics(
              GetMetricsRequest.newBuilder()
                  .setTarget(target)
                  .setRange(range)
                  .addMetrics(Metric.METRIC_REQUESTS)
                  .addMetrics(Metric.METRIC_ERRORS_5XX)
                  .addMetrics(Metric.METRIC_RATE_LIMITED)
                  .build());
      var latency =
          query.getLatency(
              GetLatencyRequest.newBuilder().setTarget(target).setRange(range).build());
      if (json(metrics)) {
        json(latency);
        return;
      }
      Table series = new Table("TIME", "REQUESTS/S", "5XX/S", "LIMITED/S");
      var requests = metrics.getSeries(0).getPointsList();
      var errors = metrics.getSeries(1).getPointsList();
      var limited = metrics.getSeries(2).getPointsList();
      for (int i = 0; i < requests.size(); i++) {
        series.row(
            Instant.ofEpochSecond(requests.get(i).getTime().getSeconds()),
            String.format(Locale.ROOT, "%.2f", requests.get(i).getValue()),
            String.format(Locale.ROOT, "%.2f", i < errors.size() ? errors.get(i).getValue() : 0.0),
            String.format(
                Locale.ROOT, "%.2f", i < limited.size() ? limited.get(i).getValue() : 0.0));
      }
      series.print(out);
      Table timing = new Table("COMPONENT", "COUNT", "P50", "P90", "P99");
      for (var c : latency.getComponentsList()) {
        timing.row(
            c.getComponent().name().replace("TIMING_COMPONENT_", "").toLowerCase(Locale.ROOT),
            c.getCount(),
            ms(c, 50),
            ms(c, 90),
            ms(c, 99));
      }
      out.println();
      timing.print(out);
    }

    private static String ms(io.gatehouse.api.analytics.v1.ComponentLatency c, double percentile) {
      return c.getPercentilesList().stream()
          .filter(p -> p.getPercentile() == percentile)
          .map(p -> AnalyticsCommands.ms(p.getValue()))
          .findFirst()
          .orElse("-");
    }
  }

  @Command(
      name = "logs",
      description =
          "Client logs of a virtual service, newest first; --follow prints new ones as they come.")
  public static final class Logs extends Commands.Base {
    @Parameters(paramLabel = "VIRTUAL_SERVICE")
    String virtualService;

    @Option(names = "--minutes", description = "how far back (default: ${DEFAULT-VALUE})")
    int minutes = 10;

    @Option(names = "--status-min", description = "lowest status, e.g. 500")
    int statusMin;

    @Option(names = "--limit", description = "most logs (default: ${DEFAULT-VALUE})")
    int limit = 20;

    @Option(
        names = {"-f", "--follow"},
        description =
            "after the last logs, print new ones as they arrive, oldest first, until stopped")
    boolean follow;

    @Override
    void run(Function<String, Channel> channels) throws Exception {
      var query = AnalyticsQueryGrpc.newBlockingStub(channels.apply(connection.analytics));
      if (follow) {
        follow(query);
        return;
      }
      var response =
          query
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .searchLogs(request(since(minutes)).setPageSize(limit).build());
      if (json(response)) {
        return;
      }
      Table table = new Table("TIME", "CLIENT", "REQUEST", "STATUS", "TOTAL", "SERVER");
      for (ClientLog log : response.getLogsList()) {
        table.row(
            time(log),
            log.getClientIp(),
            request(log),
            log.getStatus(),
            ms(log.getTiming().getTotal()),
            log.getServerAddress());
      }
      table.print(out);
    }

    /**
     * The newest logs, then each new one as analytics-svc stores it (it sends each once, a late one
     * too), until the follow is stopped.
     */
    private void follow(AnalyticsQueryGrpc.AnalyticsQueryBlockingStub query) throws Exception {
      var follow =
          query.followLogs(
              FollowLogsRequest.newBuilder()
                  .setFilter(
                      SearchLogsRequest.newBuilder()
                          .setVirtualService(virtualService)
                          .setStatusMin(statusMin))
                  .setBacklog(limit)
                  .setBacklogWindow(
                      com.google.protobuf.Duration.newBuilder().setSeconds(minutes * 60L))
                  .build());
      while (follow.hasNext()) {
        for (ClientLog log : follow.next().getLogsList()) {
          print(log);
        }
        out.flush();
      }
    }

    private SearchLogsRequest.Builder request(TimeRange range) {
      return SearchLogsRequest.newBuilder()
          .setVirtualService(virtualService)
          .setRange(range)
          .setStatusMin(statusMin);
    }

    private void print(ClientLog log) throws Exception {
      if (connection.output == Connection.Output.JSON) {
        out.println(
            com.google.protobuf.util.JsonFormat.printer()
                .omittingInsignificantWhitespace()
                .print(log));
        return;
      }
      out.printf(
          Locale.ROOT,
          "%s  %-15s  %-30s  %3d  %10s  %s%n",
          time(log),
          log.getClientIp(),
          request(log),
          log.getStatus(),
          ms(log.getTiming().getTotal()),
          log.getServerAddress());
    }

    private static Instant time(ClientLog log) {
      return Instant.ofEpochSecond(log.getTime().getSeconds(), log.getTime().getNanos());
    }

    private static String request(ClientLog log) {
      return log.getMethod() + " " + log.getUriPath();
    }
  }

  @Command(
      name = "app-map",
      description = "Who calls whom: clients and apps to virtual services to members, with rates.")
  public static final class AppMap extends Commands.Base {
    @Option(names = "--minutes", description = "how far back (default: ${DEFAULT-VALUE})")
    int minutes = 10;

    @Option(names = "--virtual-service", description = "only the edges of this virtual service")
    String virtualService = "";

    @Override
    void run(Function<String, Channel> channels) throws Exception {
      var map =
          AnalyticsQueryGrpc.newBlockingStub(channels.apply(connection.analytics))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .getAppMap(
                  GetAppMapRequest.newBuilder()
                      .setRange(since(minutes))
                      .setVirtualService(virtualService)
                      .build());
      if (json(map)) {
        return;
      }
      var labels = new java.util.HashMap<String, String>();
      map.getNodesList().forEach(node -> labels.put(node.getId(), node.getLabel()));
      Table table = new Table("FROM", "TO", "REQUESTS/S", "ERRORS", "P95 TOTAL");
      for (var edge : map.getEdgesList()) {
        table.row(
            labels.getOrDefault(edge.getFrom(), edge.getFrom()),
            labels.getOrDefault(edge.getTo(), edge.getTo()),
            String.format(Locale.ROOT, "%.2f", edge.getRequestsPerSecond()),
            String.format(Locale.ROOT, "%.1f %%", edge.getErrorRatio() * 100),
            ms(edge.getP95Total()));
      }
      table.print(out);
    }
  }

  @Command(
      name = "autoscale",
      description = "The autoscaler's decisions, newest first, with the figures behind them.")
  public static final class Autoscale extends Commands.Base {
    @Option(names = "--app", description = "only this Marathon app, e.g. /webappew1")
    String app = "";

    @Option(names = "--minutes", description = "how far back (default: ${DEFAULT-VALUE})")
    int minutes = 60;

    @Option(names = "--limit", description = "most decisions (default: ${DEFAULT-VALUE})")
    int limit = 20;

    @Override
    void run(Function<String, Channel> channels) throws Exception {
      var decisions =
          AnalyticsQueryGrpc.newBlockingStub(channels.apply(connection.analytics))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .listAutoscaleDecisions(
                  ListAutoscaleDecisionsRequest.newBuilder()
                      .setAppId(app)
                      .setRange(since(minutes))
                      .setPageSize(limit)
                      .build());
      if (json(decisions)) {
        return;
      }
      Table table =
          new Table(
              "TIME",
              "APP",
              "POLICY",
              "ACTION",
              "INSTANCES",
              "METRIC",
              "OBSERVED",
              "THRESHOLD",
              "MESSAGE");
      for (var d : decisions.getDecisionsList()) {
        table.row(
            Instant.ofEpochSecond(d.getTime().getSeconds()),
            d.getAppId(),
            d.getPolicy(),
            d.getAction()
                    .name()
                    .replace("AUTOSCALE_ACTION_", "")
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '-')
                + (d.getDryRun() ? " (dry run)" : ""),
            d.getCurrentInstances() + " -> " + d.getTargetInstances(),
            d.getMetric(),
            String.format(Locale.ROOT, "%.2f", d.getObservedValue()),
            String.format(Locale.ROOT, "%.2f", d.getThreshold()),
            d.getMessage());
      }
      table.print(out);
    }
  }

  private static String ms(Duration duration) {
    return String.format(
        Locale.ROOT, "%.2f ms", duration.getSeconds() * 1000 + duration.getNanos() / 1e6);
  }

  private static TimeRange since(int minutes) {
    Instant start = Instant.now().minusSeconds(60L * minutes);
    return TimeRange.newBuilder()
        .setStartTime(Timestamp.newBuilder().setSeconds(start.getEpochSecond()))
        .build();
  }
}
