package io.gatehouse.discovery.api;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.gatehouse.api.cluster.v1.GetLeadersRequest;
import io.gatehouse.api.cluster.v1.GetLeadersResponse;
import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.AppKey;
import io.gatehouse.api.discovery.v1.AppLabelErrors;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.EventStreamState;
import io.gatehouse.api.discovery.v1.GetAppRequest;
import io.gatehouse.api.discovery.v1.GetSyncStatusRequest;
import io.gatehouse.api.discovery.v1.GetSyncStatusResponse;
import io.gatehouse.api.discovery.v1.ListAppsRequest;
import io.gatehouse.api.discovery.v1.ListAppsResponse;
import io.gatehouse.api.discovery.v1.ListNodesRequest;
import io.gatehouse.api.discovery.v1.ListNodesResponse;
import io.gatehouse.api.discovery.v1.MarathonSyncStatus;
import io.gatehouse.api.discovery.v1.MesosSyncStatus;
import io.gatehouse.api.discovery.v1.ScaleAppRequest;
import io.gatehouse.api.discovery.v1.ScaleAppResponse;
import io.gatehouse.api.discovery.v1.TestConnectionRequest;
import io.gatehouse.api.discovery.v1.TestConnectionResponse;
import io.gatehouse.api.discovery.v1.WatchAppsRequest;
import io.gatehouse.api.discovery.v1.WatchAppsResponse;
import io.gatehouse.api.discovery.v1.WatchNodesRequest;
import io.gatehouse.api.discovery.v1.WatchNodesResponse;
import io.gatehouse.common.grpc.Errors;
import io.gatehouse.common.leader.LeadersAnswer;
import io.gatehouse.common.leader.Replicas;
import io.gatehouse.discovery.apps.AppModel;
import io.gatehouse.discovery.auth.Role;
import io.gatehouse.discovery.cloud.CloudFollower;
import io.gatehouse.discovery.cloud.SharedRefusals;
import io.gatehouse.discovery.internal.Frameworks;
import io.gatehouse.discovery.internal.PolicyWriters;
import io.gatehouse.discovery.labels.ProxyTranslator;
import io.gatehouse.discovery.marathon.DeploymentLockedException;
import io.gatehouse.discovery.marathon.MarathonApp;
import io.gatehouse.discovery.marathon.MarathonClient;
import io.gatehouse.discovery.marathon.MarathonException;
import io.gatehouse.discovery.marathon.MarathonFollower;
import io.gatehouse.discovery.mesos.Agent;
import io.gatehouse.discovery.mesos.AgentModel;
import io.gatehouse.discovery.mesos.MesosPoller;
import io.gatehouse.discovery.probe.ConnectionProbe;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** DiscoveryService over gRPC: apps from the followed Marathons, watches, scaling, sync status. */
@Singleton
final class DiscoveryGrpcService extends DiscoveryServiceGrpc.DiscoveryServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryGrpcService.class);
  private static final int MAX_PAGE = 1000;

  private final Frameworks frameworks;
  private final ConnectionProbe probe = new ConnectionProbe();
  private final AgentModel agents;
  private final MesosPoller mesos;
  private final java.util.Optional<PolicyWriters> writers;
  private final java.util.Optional<CloudFollower> cloud;
  private final String replica;
  private final java.util.Optional<SharedRefusals> refusals;
  private final ExecutorService watchers =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "discovery-watch");
            t.setDaemon(true);
            return t;
          });

  DiscoveryGrpcService(
      Frameworks frameworks,
      AgentModel agents,
      MesosPoller mesos,
      java.util.Optional<PolicyWriters> writers,
      java.util.Optional<CloudFollower> cloud,
      java.util.Optional<SharedRefusals> refusals,
      @Value("${grpc.server.port:0}") int grpcPort) {
    this.refusals = refusals;
    this.replica = Replicas.name(grpcPort);
    this.writers = writers;
    this.cloud = cloud;
    this.frameworks = frameworks;
    this.agents = agents;
    this.mesos = mesos;
  }

  @Override
  public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> out) {
    AgentModel.Snapshot snapshot = agents.snapshot();
    ListNodesResponse.Builder response =
        ListNodesResponse.newBuilder().setRevision(snapshot.revision());
    snapshot.agents().values().stream()
        .filter(a -> a.active() || request.getIncludeInactive())
        .sorted(java.util.Comparator.comparing(Agent::hostname))
        .forEach(a -> response.addNodes(NodeProtos.node(a)));
    out.onNext(response.build());
    out.onCompleted();
  }

  @Override
  public void watchNodes(WatchNodesRequest request, StreamObserver<WatchNodesResponse> out) {
    new NodeWatch(agents, (ServerCallStreamObserver<WatchNodesResponse>) out, watchers).start();
  }

  @Override
  public void listApps(ListAppsRequest request, StreamObserver<ListAppsResponse> out) {
    if (request.getPageSize() < 0 || request.getPageSize() > MAX_PAGE) {
      throw invalid("page_size", "must be 0 to " + MAX_PAGE);
    }
    int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
    Frameworks.Framework framework = framework(request.getMarathonFramework());
    AppModel.Snapshot snapshot = framework.model().snapshot();
    // each app is translated once, and only as far as the page and one more (is there a next?)
    List<Listed> page =
        snapshot.apps().stream()
            .filter(a -> a.id().startsWith(request.getIdPrefix()))
            .filter(
                a ->
                    request.getPageToken().isEmpty()
                        || a.id().compareTo(request.getPageToken()) > 0)
            .map(a -> new Listed(a, proxy(framework, a)))
            .filter(listed -> !request.getWithLabelErrorsOnly() || !listed.proxy().ok())
            .limit(size + 1L)
            .toList();
    ListAppsResponse.Builder response =
        ListAppsResponse.newBuilder().setRevision(snapshot.revision());
    page.stream()
        .limit(size)
        .forEach(
            listed ->
                response.addApps(AppProtos.app(framework.name(), listed.app(), listed.proxy())));
    if (page.size() > size) {
      response.setNextPageToken(page.get(size - 1).app().id());
    }
    out.onNext(response.build());
    out.onCompleted();
  }

  @Override
  public void getApp(GetAppRequest request, StreamObserver<App> out) {
    Frameworks.Framework framework = framework(request.getMarathonFramework());
    MarathonApp app = framework.model().app(request.getAppId());
    if (app == null) {
      throw Status.NOT_FOUND
          .withDescription("app " + request.getAppId() + " is not in Marathon " + framework.name())
          .asRuntimeException();
    }
    out.onNext(AppProtos.app(framework.name(), app, proxy(framework, app)));
    out.onCompleted();
  }

  @Override
  public void watchApps(WatchAppsRequest request, StreamObserver<WatchAppsResponse> out) {
    Frameworks.Framework framework = framework(request.getMarathonFramework());
    new AppWatch(
            framework.name(),
            framework.model(),
            request.getFromRevision(),
            (ServerCallStreamObserver<WatchAppsResponse>) out,
            watchers)
        .start();
  }

  @Override
  public void scaleApp(ScaleAppRequest request, StreamObserver<ScaleAppResponse> out) {
    if (!Role.current().mayScale()) {
      throw Status.PERMISSION_DENIED
          .withDescription("the " + Role.current() + " token may read apps but not scale them")
          .asRuntimeException();
    }
    if (request.getInstances() > 10_000) {
      throw invalid("instances", "must be 0 to 10000");
    }
    if (request.getApp().getAppId().isEmpty()) {
      throw invalid("app.app_id", "is required");
    }
    Frameworks.Framework framework = framework(request.getApp().getMarathonFramework());
    log.info(
        "scaling {} in {} to {} instances: {}",
        request.getApp().getAppId(),
        framework.name(),
        request.getInstances(),
        request.getReason());
    try {
      MarathonClient.Change change =
          framework.client().scale(request.getApp().getAppId(), request.getInstances());
      out.onNext(
          ScaleAppResponse.newBuilder()
              .setDeploymentId(change.deploymentId())
              .setVersion(change.version())
              .build());
      out.onCompleted();
    } catch (DeploymentLockedException e) {
      throw StatusProto.toStatusRuntimeException(
          com.google.rpc.Status.newBuilder()
              .setCode(Code.FAILED_PRECONDITION_VALUE)
              .setMessage(
                  "a deployment of " + request.getApp().getAppId() + " is running; not forcing it")
              .addDetails(
                  Any.pack(
                      ErrorInfo.newBuilder()
                          .setReason("DEPLOYMENT_IN_PROGRESS")
                          .setDomain("discovery.gatehouse.io")
                          .putMetadata("deployment_id", e.deploymentIds().get(0))
                          .build()))
              .build());
    } catch (MarathonException e) {
      throw marathonFailure(e);
    }
  }

  @Override
  public void testConnection(
      TestConnectionRequest request, StreamObserver<TestConnectionResponse> out) {
    if (Role.current() != Role.OPERATOR) {
      throw Status.PERMISSION_DENIED
          .withDescription("only an operator token may test connections")
          .asRuntimeException();
    }
    Map<String, String> problems = ConnectionProbe.problems(request);
    if (!problems.isEmpty()) {
      throw Errors.invalidArgument(problems);
    }
    out.onNext(probe.test(request));
    out.onCompleted();
  }

  @Override
  public void getLeaders(GetLeadersRequest request, StreamObserver<GetLeadersResponse> out) {
    if (Role.current() != Role.OPERATOR) {
      throw Status.PERMISSION_DENIED
          .withDescription("only an operator token may ask who leads")
          .asRuntimeException();
    }
    out.onNext(
        LeadersAnswer.of(replica, writers.map(w -> List.of(w.leadership())).orElse(List.of())));
    out.onCompleted();
  }

  @Override
  public void getSyncStatus(
      GetSyncStatusRequest request, StreamObserver<GetSyncStatusResponse> out) {
    GetSyncStatusResponse.Builder response = GetSyncStatusResponse.newBuilder();
    Instant now = Instant.now();
    for (Frameworks.Framework framework : frameworks.all()) {
      MarathonFollower follower = framework.follower();
      AppModel.Snapshot snapshot = framework.model().snapshot();
      MarathonSyncStatus.Builder status =
          MarathonSyncStatus.newBuilder()
              .setMarathonFramework(framework.name())
              .setUrl(framework.client().baseUrl())
              .setEventStreamState(
                  switch (follower.state()) {
                    case CONNECTING -> EventStreamState.EVENT_STREAM_STATE_CONNECTING;
                    case CONNECTED -> EventStreamState.EVENT_STREAM_STATE_CONNECTED;
                    case BACKOFF -> EventStreamState.EVENT_STREAM_STATE_BACKOFF;
                  })
              .setEventsSinceResync(follower.eventsSinceResync())
              .setAppCount(snapshot.apps().size())
              .setTaskCount(snapshot.apps().stream().mapToLong(a -> a.tasks().size()).sum());
      if (follower.connectedSince() != null) {
        status.setEventStreamConnectedTime(AppProtos.timestamp(follower.connectedSince()));
      }
      if (follower.lastFullSync() != null) {
        status.setLastFullSyncTime(AppProtos.timestamp(follower.lastFullSync()));
        Duration age = Duration.between(follower.lastFullSync(), now);
        status.setLastFullSyncAge(AppProtos.duration(age));
      }
      if (follower.lastFullSyncDuration() != null) {
        status.setLastFullSyncDuration(AppProtos.duration(follower.lastFullSyncDuration()));
      }
      if (follower.lastError() != null) {
        status.setLastError(follower.lastError());
      }
      try {
        status.setLeader(framework.client().leader());
      } catch (MarathonException e) {
        status.setLeader("");
      }
      failing(framework.name()).entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  status.addAppErrors(
                      AppLabelErrors.newBuilder()
                          .setApp(
                              AppKey.newBuilder()
                                  .setAppId(e.getKey())
                                  .setMarathonFramework(framework.name()))
                          .addAllErrors(AppProtos.labelErrors(e.getValue()))));
      response.addMarathons(status);
    }
    MesosSyncStatus.Builder master =
        MesosSyncStatus.newBuilder()
            .setUrl(mesos.client().baseUrl())
            .setNodeCount(agents.snapshot().agents().size());
    if (mesos.lastSync() != null) {
      master.setLastSyncTime(AppProtos.timestamp(mesos.lastSync()));
    }
    if (mesos.lastError() != null) {
      master.setLastError(mesos.lastError());
    }
    response.setMesos(master);
    response.setPolicyWriter(writers.map(PolicyWriters::writing).orElse(false));
    cloud.ifPresent(
        c -> {
          response.setCloudRevision(c.revision());
          if (c.error() != null) {
            response.setCloudError(c.error());
          }
        });
    out.onNext(response.build());
    out.onCompleted();
  }

  private record Listed(MarathonApp app, ProxyTranslator.Result proxy) {}

  /**
   * The apps of a framework whose objects could not be written: the writer's own (wrong labels and
   * refusals); on another replica, the refusals the writer reported.
   */
  private Map<String, List<io.gatehouse.discovery.labels.LabelError>> failing(String framework) {
    if (writers.map(PolicyWriters::writing).orElse(false)) {
      return writers.get().failing(framework);
    }
    Map<String, List<io.gatehouse.discovery.labels.LabelError>> reported =
        new java.util.HashMap<>();
    refusals.ifPresent(
        r ->
            r.all()
                .forEach(
                    (app, errors) -> {
                      if (app.framework().equals(framework)) {
                        reported.put(app.appId(), errors);
                      }
                    }));
    return reported;
  }

  /** What the app's labels make of it, with what policy-svc refused among the errors. */
  private ProxyTranslator.Result proxy(Frameworks.Framework framework, MarathonApp app) {
    ProxyTranslator.Result result = framework.translator().translate(framework.name(), app);
    List<io.gatehouse.discovery.labels.LabelError> refused =
        refusals.map(r -> r.rejected(framework.name(), app.id())).orElse(List.of());
    return result.ok() && !refused.isEmpty()
        ? new ProxyTranslator.Result(result.virtualServices(), result.pools(), refused)
        : result;
  }

  private Frameworks.Framework framework(String name) {
    Frameworks.Framework framework = frameworks.get(name);
    if (framework == null) {
      throw invalid(
          "marathon_framework", "no Marathon instance named \"" + name + "\" is configured");
    }
    return framework;
  }

  private static StatusRuntimeException marathonFailure(MarathonException e) {
    Status status =
        switch (e.status()) {
          case 0 -> Status.UNAVAILABLE;
          case 404 -> Status.NOT_FOUND;
          case 401, 403 -> Status.FAILED_PRECONDITION;
          case 400, 422 -> Status.INVALID_ARGUMENT;
          default -> e.status() >= 500 ? Status.UNAVAILABLE : Status.INTERNAL;
        };
    return status.withDescription(e.getMessage()).asRuntimeException();
  }

  private static StatusRuntimeException invalid(String field, String description) {
    return Errors.invalidArgument(field, description);
  }

  @PreDestroy
  void stop() {
    watchers.shutdownNow();
  }
}
