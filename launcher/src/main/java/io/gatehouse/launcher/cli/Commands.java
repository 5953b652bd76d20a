package io.gatehouse.launcher.cli;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.GetLatencyRequest;
import io.gatehouse.api.analytics.v1.GetMetricsRequest;
import io.gatehouse.api.analytics.v1.Metric;
import io.gatehouse.api.analytics.v1.SearchLogsRequest;
import io.gatehouse.api.analytics.v1.Target;
import io.gatehouse.api.analytics.v1.TimeRange;
import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.ListAppsRequest;
import io.gatehouse.api.policy.v1.ListVirtualServicesRequest;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.api.semanager.v1.GetConvergenceRequest;
import io.gatehouse.api.semanager.v1.ListServiceEnginesRequest;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The CLI's read commands: apps, virtual services, engines, convergence, metrics, logs. */
public final class Commands {
  private Commands() {}

  /** What every command shares: the connection, printing, and errors as the API reports them. */
  public abstract static class Base implements Callable<Integer> {
    @Mixin Connection connection = new Connection();
    final PrintStream out = System.out;

    abstract void run(Function<String, Channel> channels) throws Exception;

    @Override
    public Integer call() throws Exception {
      java.util.List<ManagedChannel> open = new java.util.ArrayList<>();
      try {
        run(
            target -> {
              ManagedChannel channel = connection.open(target);
              open.add(channel);
              return connection.authorized(channel);
            });
        return 0;
      } catch (StatusRuntimeException e) {
        System.err.println(
            "error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
        com.google.rpc.Status details = StatusProto.fromThrowable(e);
        if (details != null) {
          for (var any : details.getDetailsList()) {
            if (any.is(BadRequest.class)) {
              for (var v : any.unpack(BadRequest.class).getFieldViolationsList()) {
                System.err.println("  field " + v.getField() + ": " + v.getDescription());
              }
            }
          }
        }
        return 1;
      } catch (IllegalArgumentException e) {
        System.err.println("error: " + e.getMessage());
        return 2;
      } finally {
        open.forEach(ManagedChannel::shutdownNow);
      }
    }

    boolean json(Message message) throws Exception {
      if (connection.output == Connection.Output.JSON) {
        out.println(JsonFormat.printer().print(message));
        return true;
      }
      return false;
    }
  }

  @Command(
      name = "apps",
      description = "Marathon apps as discovery-svc follows them, with label errors.")
  public static final class Apps extends Base {
    @Override
    void run(Function<String, Channel> channels) throws Exception {
      var response =
          DiscoveryServiceGrpc.newBlockingStub(channels.apply(connection.discovery))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .listApps(ListAppsRequest.newBuilder().setPageSize(1000).build());
      if (json(response)) {
        return;
      }
      Table table = new Table("APP", "INSTANCES", "RUNNING", "HEALTHY", "LABEL ERRORS");
      for (App app : response.getAppsList()) {
        table.row(
            app.getId(),
            app.getInstances(),
            app.getCounts().getRunning(),
            app.getCounts().getHealthy(),
            app.getLabelErrorsList().stream()
                .map(e -> e.getField() + ": " + e.getMessage())
                .collect(Collectors.joining("; ")));
      }
      table.print(out);
    }
  }

  @Command(
      name = "virtual-services",
      aliases = "vs",
      description = "Virtual services in policy-svc.")
  public static final class VirtualServices extends Base {
    @Override
    void run(Function<String, Channel> channels) throws Exception {
      var response =
          PolicyServiceGrpc.newBlockingStub(channels.apply(connection.policy))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .listVirtualServices(
                  ListVirtualServicesRequest.newBuilder().setPageSize(1000).build());
      if (json(response)) {
        return;
      }
      Table table = new Table("NAME", "WHERE", "PORTS", "POOL", "SOURCE");
      for (VirtualService vs : response.getVirtualServicesList()) {
        table.row(
            vs.getMeta().getName(),
            vs.getEastWest() ? "east-west" : "vip " + vs.getVip().getIpAddress(),
            vs.getServicesList().stream()
                .map(
                    s ->
                        s.getPort()
                            + "/"
                            + s.getProtocol()
                                .name()
                                .replace("PROTOCOL_", "")
                                .toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(",")),
            vs.getPoolRef(),
            vs.getMeta().getSource().getMarathonAppId().isEmpty()
                ? "api"
                : "app " + vs.getMeta().getSource().getMarathonAppId());
      }
      table.print(out);
    }
  }

  @Command(
      name = "engines",
      description = "Service engines and the virtual services not yet applied everywhere.")
  public static final class Engines extends Base {
    @Override
    void run(Function<String, Channel> channels) throws Exception {
      var admin =
          ServiceEngineAdminGrpc.newBlockingStub(channels.apply(connection.seManager))
              .withDeadlineAfter(10, TimeUnit.SECONDS);
      var engines =
          admin.listServiceEngines(
              ListServiceEnginesRequest.newBuilder().setPageSize(1000).build());
      var unconverged =
          admin.getConvergence(GetConvergenceRequest.newBuilder().setUnconvergedOnly(true).build());
      if (json(engines)) {
        json(unconverged);
        return;
      }
      Table table = new Table("ENGINE", "STATE", "NODE", "GROUP", "METHOD");
      engines
          .getServiceEnginesList()
          .forEach(
              e ->
                  table.row(
                      e.getId(),
                      e.getState()
                          .name()
                          .replace("SERVICE_ENGINE_STATE_", "")
                          .toLowerCase(Locale.ROOT),
                      e.getHostname(),
                      e.getSeGroup(),
                      e.getDeploymentMethod().isEmpty() ? "-" : e.getDeploymentMethod()));
      table.print(out);
      out.println(
          unconverged.getVirtualServicesCount() == 0
              ? "every virtual service is applied on every engine"
              : unconverged.getVirtualServicesCount()
                  + " virtual services not yet applied everywhere: "
                  + unconverged.getVirtualServicesList().stream()
                      .map(v -> v.getName())
                      .collect(Collectors.joining(", ")));
    }
  }

  @Command(name = "metrics", description = "Requests, errors and latency of a virtual service.")
  public static final class Metrics extends Base {
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
                  .build());
      var latency =
          query.getLatency(
              GetLatencyRequest.newBuilder().setTarget(target).setRange(range).build());
      if (json(metrics)) {
        json(latency);
        return;
      }
      Table series = new Table("TIME", "REQUESTS/S", "5XX/S");
      var requests = metrics.getSeries(0).getPointsList();
      var errors = metrics.getSeries(1).getPointsList();
      for (int i = 0; i < requests.size(); i++) {
        series.row(
            Instant.ofEpochSecond(requests.get(i).getTime().getSeconds()),
            String.format(Locale.ROOT, "%.2f", requests.get(i).getValue()),
            String.format(Locale.ROOT, "%.2f", i < errors.size() ? errors.get(i).getValue() : 0.0));
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
          .map(
              p ->
                  String.format(
                      Locale.ROOT,
                      "%.2f ms",
                      p.getValue().getSeconds() * 1000 + p.getValue().getNanos() / 1e6))
          .findFirst()
          .orElse("-");
    }
  }

  @Command(name = "logs", description = "Client logs of a virtual service, newest first.")
  public static final class Logs extends Base {
    @Parameters(paramLabel = "VIRTUAL_SERVICE")
    String virtualService;

    @Option(names = "--minutes", description = "how far back (default: ${DEFAULT-VALUE})")
    int minutes = 10;

    @Option(names = "--status-min", description = "lowest status, e.g. 500")
    int statusMin;

    @Option(names = "--limit", description = "most logs (default: ${DEFAULT-VALUE})")
    int limit = 20;

    @Override
    void run(Function<String, Channel> channels) throws Exception {
      var response =
          AnalyticsQueryGrpc.newBlockingStub(channels.apply(connection.analytics))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .searchLogs(
                  SearchLogsRequest.newBuilder()
                      .setVirtualService(virtualService)
                      .setRange(since(minutes))
                      .setStatusMin(statusMin)
                      .setPageSize(limit)
                      .build());
      if (json(response)) {
        return;
      }
      Table table = new Table("TIME", "CLIENT", "REQUEST", "STATUS", "TOTAL", "SERVER");
      for (var log : response.getLogsList()) {
        table.row(
            Instant.ofEpochSecond(log.getTime().getSeconds(), log.getTime().getNanos()),
            log.getClientIp(),
            log.getMethod() + " " + log.getUriPath(),
            log.getStatus(),
            String.format(
                Locale.ROOT,
                "%.2f ms",
                log.getTiming().getTotal().getSeconds() * 1000
                    + log.getTiming().getTotal().getNanos() / 1e6),
            log.getServerAddress());
      }
      table.print(out);
    }
  }

  private static TimeRange since(int minutes) {
    Instant start = Instant.now().minusSeconds(60L * minutes);
    return TimeRange.newBuilder()
        .setStartTime(Timestamp.newBuilder().setSeconds(start.getEpochSecond()))
        .build();
  }
}
