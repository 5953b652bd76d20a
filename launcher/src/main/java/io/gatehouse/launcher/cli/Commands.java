package io.gatehouse.launcher.cli;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.cluster.v1.GetLeadersRequest;
import io.gatehouse.api.cluster.v1.GetLeadersResponse;
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
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * What every CLI command shares ({@link Base}), and the commands that read the platform's state:
 * apps, virtual services, engines and convergence, the leaders of the cluster's duties.
 */
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
            "error: "
                + e.getStatus().getCode()
                + ": "
                + e.getStatus().getDescription()
                + (e.getCause() == null ? "" : " (" + rootCause(e).getMessage() + ")"));
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

    private static Throwable rootCause(Throwable e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      return cause;
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
                .map(
                    e ->
                        e.getLabel()
                            + (e.getField().isEmpty() ? "" : " " + e.getField())
                            + " ("
                            + e.getCode()
                            + "): "
                            + e.getMessage())
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
      Table table = new Table("ENGINE", "STATE", "NODE", "GROUP", "METHOD", "REQ/S", "CPU");
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
                      e.getDeploymentMethod().isEmpty() ? "-" : e.getDeploymentMethod(),
                      e.hasLoad()
                          ? String.format(Locale.ROOT, "%.1f", e.getLoad().getRequestsPerSecond())
                          : "-",
                      e.hasLoad()
                          ? String.format(Locale.ROOT, "%.2f", e.getLoad().getCpuUsed())
                          : "-"));
      table.print(out);
      out.println(
          unconverged.getVirtualServicesCount() == 0
              ? "every virtual service is applied on every engine"
              : unconverged.getVirtualServicesCount()
                  + " virtual services not yet applied everywhere: "
                  + unconverged.getVirtualServicesList().stream()
                      .map(v -> v.getName())
                      .collect(Collectors.joining(", ")));
      // a replica that did not answer: its engines are missing from the line above
      unconverged
          .getUnansweredReplicasList()
          .forEach(
              r ->
                  out.println(
                      "se-manager-svc replica "
                          + r.getAddress()
                          + " did not answer ("
                          + r.getError().getMessage()
                          + "): its engines are not counted"));
    }
  }

  @Command(
      name = "leaders",
      description =
          "Which replica of each service leads the duties done once: discovery-svc's policy"
              + " writer, se-manager-svc's reconciler, analytics-svc's autoscaler.")
  public static final class Leaders extends Base {
    @Override
    void run(Function<String, Channel> channels) throws Exception {
      GetLeadersRequest request = GetLeadersRequest.getDefaultInstance();
      var answers = new java.util.LinkedHashMap<String, GetLeadersResponse>();
      answers.put(
          "discovery-svc",
          DiscoveryServiceGrpc.newBlockingStub(channels.apply(connection.discovery))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .getLeaders(request));
      answers.put(
          "se-manager-svc",
          ServiceEngineAdminGrpc.newBlockingStub(channels.apply(connection.seManager))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .getLeaders(request));
      answers.put(
          "analytics-svc",
          AnalyticsQueryGrpc.newBlockingStub(channels.apply(connection.analytics))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .getLeaders(request));
      if (connection.output == Connection.Output.JSON) { // one object, by service
        StringBuilder json = new StringBuilder("{");
        for (var answer : answers.entrySet()) {
          json.append(json.length() == 1 ? "\n  \"" : ",\n  \"").append(answer.getKey());
          json.append("\": ").append(JsonFormat.printer().print(answer.getValue()));
        }
        out.println(json.append("\n}"));
        return;
      }
      Table table = new Table("SERVICE", "DUTY", "LEADER", "ANSWERED BY");
      answers.forEach(
          (service, answer) ->
              answer
                  .getLeadershipsList()
                  .forEach(
                      l ->
                          table.row(
                              service,
                              l.getDuty(),
                              l.getLeader().isEmpty() ? "(none)" : l.getLeader(),
                              answer.getReplica())));
      table.print(out);
    }
  }
}
