package io.gatehouse.discovery.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.AppHealthCheck;
import io.gatehouse.api.discovery.v1.AppKey;
import io.gatehouse.api.discovery.v1.AppPort;
import io.gatehouse.api.discovery.v1.Endpoint;
import io.gatehouse.api.discovery.v1.LabelError;
import io.gatehouse.api.discovery.v1.NetworkMode;
import io.gatehouse.api.discovery.v1.ProxySettings;
import io.gatehouse.api.discovery.v1.Task;
import io.gatehouse.api.discovery.v1.TaskChange;
import io.gatehouse.api.discovery.v1.TaskCounts;
import io.gatehouse.api.discovery.v1.TaskHealth;
import io.gatehouse.api.discovery.v1.TaskState;
import io.gatehouse.api.discovery.v1.WatchAppsResponse;
import io.gatehouse.discovery.apps.AppModel;
import io.gatehouse.discovery.labels.ProxyTranslator;
import io.gatehouse.discovery.marathon.Health;
import io.gatehouse.discovery.marathon.MarathonApp;
import io.gatehouse.discovery.marathon.MarathonTask;
import io.gatehouse.discovery.marathon.PortSpec;
import java.time.Instant;
import java.util.List;

/** Maps the app model to the v1 API's messages. */
final class AppProtos {
  private AppProtos() {}

  static App app(String framework, MarathonApp app, ProxyTranslator.Result proxy) {
    App.Builder out = app(framework, app).toBuilder();
    ProxySettings.Builder settings =
        ProxySettings.newBuilder()
            .setProxied(proxy.ok() && !proxy.pools().isEmpty())
            .setNorthSouth(proxy.virtualServices().stream().anyMatch(v -> !v.getEastWest()));
    proxy.virtualServices().forEach(v -> settings.addVirtualServices(v.getMeta().getName()));
    proxy.pools().forEach(p -> settings.addPools(p.getMeta().getName()));
    out.setProxy(settings);
    out.addAllLabelErrors(labelErrors(proxy.errors()));
    return out.build();
  }

  static List<LabelError> labelErrors(List<io.gatehouse.discovery.labels.LabelError> errors) {
    return errors.stream()
        .map(
            e ->
                LabelError.newBuilder()
                    .setLabel(e.label())
                    .setField(e.field())
                    .setCode(e.code())
                    .setMessage(e.message())
                    .build())
        .toList();
  }

  static App app(String framework, MarathonApp app) {
    App.Builder out =
        App.newBuilder()
            .setId(app.id())
            .setMarathonFramework(framework)
            .setVersion(app.version() == null ? "" : app.version())
            .setInstances(app.instances())
            .setNetworkMode(
                switch (app.networkMode()) {
                  case HOST -> NetworkMode.NETWORK_MODE_HOST;
                  case BRIDGE -> NetworkMode.NETWORK_MODE_BRIDGE;
                  case CONTAINER -> NetworkMode.NETWORK_MODE_CONTAINER;
                })
            .putAllLabels(app.labels())
            .addAllDeploymentIds(app.deploymentIds());
    for (PortSpec port : app.ports()) {
      AppPort.Builder p =
          AppPort.newBuilder()
              .setIndex(port.index())
              .setServicePort(port.servicePort())
              .setContainerPort(port.containerPort())
              .setHostPort(port.hostPort())
              .setProtocol(port.protocol())
              .putAllLabels(port.labels());
      if (port.name() != null) {
        p.setName(port.name());
      }
      out.addPorts(p);
    }
    for (JsonNode check : app.healthChecks()) {
      out.addHealthChecks(healthCheck(check));
    }
    int staged = 0;
    int running = 0;
    int healthy = 0;
    int unhealthy = 0;
    for (MarathonTask task : app.tasks()) {
      out.addTasks(task(task));
      switch (task.state()) {
        case STAGING, STARTING -> staged++;
        case RUNNING -> running++;
        default -> {}
      }
      if (task.health() == Health.HEALTHY) {
        healthy++;
      } else if (task.health() == Health.UNHEALTHY) {
        unhealthy++;
      }
    }
    out.setCounts(
        TaskCounts.newBuilder()
            .setStaged(staged)
            .setRunning(running)
            .setHealthy(healthy)
            .setUnhealthy(unhealthy));
    return out.build();
  }

  static Task task(MarathonTask task) {
    Task.Builder out =
        Task.newBuilder()
            .setId(task.id())
            .setAgentId(nullToEmpty(task.agentId()))
            .setHost(nullToEmpty(task.host()))
            .addAllHostPorts(task.hostPorts())
            .addAllIpAddresses(task.ipAddresses())
            .setState(TaskState.valueOf("TASK_STATE_" + task.state().name()))
            .setHealth(
                switch (task.health()) {
                  case NO_CHECKS -> TaskHealth.TASK_HEALTH_UNSPECIFIED;
                  case PENDING -> TaskHealth.TASK_HEALTH_PENDING;
                  case HEALTHY -> TaskHealth.TASK_HEALTH_HEALTHY;
                  case UNHEALTHY -> TaskHealth.TASK_HEALTH_UNHEALTHY;
                })
            .setAppVersion(nullToEmpty(task.version()))
            .setRoutable(task.routable());
    task.endpoints()
        .forEach(
            e ->
                out.addEndpoints(
                    Endpoint.newBuilder()
                        .setPortIndex(e.portIndex())
                        .setAddress(e.address())
                        .setPort(e.port())));
    if (task.stagedAt() != null) {
      out.setStagedTime(timestamp(Instant.parse(task.stagedAt())));
    }
    if (task.startedAt() != null) {
      out.setStartedTime(timestamp(Instant.parse(task.startedAt())));
    }
    return out.build();
  }

  static WatchAppsResponse delta(String framework, AppModel.Delta delta) {
    WatchAppsResponse.Builder out = WatchAppsResponse.newBuilder().setRevision(delta.revision());
    delta.upserted().forEach(a -> out.addApps(app(framework, a)));
    delta.removedApps().forEach(id -> out.addRemovedApps(key(framework, id)));
    delta
        .removedTasks()
        .forEach(
            t ->
                out.addTaskChanges(
                    TaskChange.newBuilder()
                        .setApp(key(framework, t.appId()))
                        .setRemovedTaskId(t.taskId())));
    if (delta.causeTime() != null) {
      out.setCauseTime(timestamp(delta.causeTime()));
    }
    return out.build();
  }

  static AppKey key(String framework, String appId) {
    return AppKey.newBuilder().setMarathonFramework(framework).setAppId(appId).build();
  }

  static com.google.protobuf.Duration duration(java.time.Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  private static AppHealthCheck healthCheck(JsonNode check) {
    AppHealthCheck.Builder out =
        AppHealthCheck.newBuilder()
            .setProtocol(check.path("protocol").asText("HTTP"))
            .setPath(check.path("path").asText(""))
            .setPortIndex(check.path("portIndex").asInt(0))
            .setPort(check.path("port").asInt(0))
            .setInterval(seconds(check.path("intervalSeconds").asLong(60)))
            .setTimeout(seconds(check.path("timeoutSeconds").asLong(20)))
            .setGracePeriod(seconds(check.path("gracePeriodSeconds").asLong(300)))
            .setMaxConsecutiveFailures(check.path("maxConsecutiveFailures").asInt(3));
    return out.build();
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
