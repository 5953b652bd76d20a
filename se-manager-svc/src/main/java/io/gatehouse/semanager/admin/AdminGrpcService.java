package io.gatehouse.semanager.admin;

import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import com.google.rpc.Code;
import io.gatehouse.api.cluster.v1.GetLeadersRequest;
import io.gatehouse.api.cluster.v1.GetLeadersResponse;
import io.gatehouse.api.semanager.v1.AppliedResource;
import io.gatehouse.api.semanager.v1.DecommissionServiceEngineRequest;
import io.gatehouse.api.semanager.v1.DeleteSshKeyRequest;
import io.gatehouse.api.semanager.v1.GenerateSshKeyRequest;
import io.gatehouse.api.semanager.v1.GetConvergenceRequest;
import io.gatehouse.api.semanager.v1.GetConvergenceResponse;
import io.gatehouse.api.semanager.v1.GetServiceEngineRequest;
import io.gatehouse.api.semanager.v1.ImportSshKeyRequest;
import io.gatehouse.api.semanager.v1.ListServiceEngineEventsRequest;
import io.gatehouse.api.semanager.v1.ListServiceEngineEventsResponse;
import io.gatehouse.api.semanager.v1.ListServiceEnginesRequest;
import io.gatehouse.api.semanager.v1.ListServiceEnginesResponse;
import io.gatehouse.api.semanager.v1.ListSshKeysRequest;
import io.gatehouse.api.semanager.v1.ListSshKeysResponse;
import io.gatehouse.api.semanager.v1.LoadFigures;
import io.gatehouse.api.semanager.v1.RedeployServiceEngineRequest;
import io.gatehouse.api.semanager.v1.ResourceVersion;
import io.gatehouse.api.semanager.v1.ServiceEngine;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.gatehouse.api.semanager.v1.ServiceEngineEvent;
import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.gatehouse.api.semanager.v1.SshKey;
import io.gatehouse.common.grpc.Errors;
import io.gatehouse.common.leader.LeaderElection;
import io.gatehouse.common.leader.LeadersAnswer;
import io.gatehouse.common.leader.Replicas;
import io.gatehouse.semanager.auth.Role;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.ssh.SshKeyStore;
import io.gatehouse.semanager.internal.Inputs;
import io.gatehouse.semanager.inventory.EngineEvents;
import io.gatehouse.semanager.inventory.EngineLoad;
import io.gatehouse.semanager.inventory.Inventory;
import io.gatehouse.semanager.lifecycle.Reconciler;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.semanager.push.ConvergenceReport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code ServiceEngineAdmin}: the engine inventory and its events, each engine's resources, where
 * every virtual service stands on the engines (convergence), an operator's redeploy or decommission
 * through the engine's driver, and the SSH driver's keys (public parts only ever leave).
 */
@Singleton
final class AdminGrpcService extends ServiceEngineAdminGrpc.ServiceEngineAdminImplBase {
  private static final int DEFAULT_PAGE = 100;
  private static final int MAX_PAGE = 1000;

  private final ConfigPush push;
  private final Inventory inventory;
  private final EngineEvents events;
  private final Reconciler reconciler;
  private final SshKeyCalls sshKeyCalls;
  private final List<LeaderElection> elections;
  private final String replica;
  private final ConvergenceCalls convergenceCalls;

  AdminGrpcService(
      ConfigPush push,
      Inventory inventory,
      EngineEvents events,
      SshKeyStore sshKeys,
      @Nullable Reconciler reconciler,
      @Nullable Inputs inputs,
      List<LeaderElection> elections,
      PeerReplicas peers,
      @Value("${grpc.server.port:0}") int grpcPort) {
    this.elections = elections;
    this.replica = Replicas.name(grpcPort);
    this.convergenceCalls = new ConvergenceCalls(push, peers, replica);
    this.push = push;
    this.inventory = inventory;
    this.events = events;
    this.sshKeyCalls = new SshKeyCalls(sshKeys, inputs);
    this.reconciler = reconciler;
  }

  @Override
  public void getLeaders(GetLeadersRequest request, StreamObserver<GetLeadersResponse> out) {
    answer(out, () -> LeadersAnswer.ofElections(replica, elections));
  }

  @Override
  public void importSshKey(ImportSshKeyRequest request, StreamObserver<SshKey> out) {
    answer(out, () -> sshKeyCalls.importKey(request));
  }

  @Override
  public void generateSshKey(GenerateSshKeyRequest request, StreamObserver<SshKey> out) {
    answer(out, () -> sshKeyCalls.generate(request));
  }

  @Override
  public void listSshKeys(ListSshKeysRequest request, StreamObserver<ListSshKeysResponse> out) {
    answer(out, sshKeyCalls::list);
  }

  @Override
  public void deleteSshKey(DeleteSshKeyRequest request, StreamObserver<Empty> out) {
    answer(out, () -> sshKeyCalls.delete(request));
  }

  @Override
  public void listServiceEngines(
      ListServiceEnginesRequest request, StreamObserver<ListServiceEnginesResponse> out) {
    answer(
        out,
        () -> {
          int size = pageSize(request.getPageSize(), "page_size");
          String[] after = engineToken(request.getPageToken());
          Set<ServiceEngineState> states =
              request.getStatesCount() > 0
                  ? EnumSet.copyOf(request.getStatesList())
                  : EnumSet.complementOf(
                      EnumSet.of(
                          ServiceEngineState.SERVICE_ENGINE_STATE_DECOMMISSIONED,
                          ServiceEngineState.UNRECOGNIZED));
          List<Inventory.Engine> page =
              inventory.page(request.getSeGroup(), states, after[0], after[1], size + 1);
          ListServiceEnginesResponse.Builder response = ListServiceEnginesResponse.newBuilder();
          page.stream().limit(size).forEach(e -> response.addServiceEngines(engine(e)));
          if (page.size() > size) {
            Inventory.Engine last = page.get(size - 1);
            response.setNextPageToken(
                Base64.getUrlEncoder()
                    .encodeToString(
                        (last.hostname() + "\n" + last.id()).getBytes(StandardCharsets.UTF_8)));
          }
          return response.build();
        });
  }

  @Override
  public void getServiceEngine(GetServiceEngineRequest request, StreamObserver<ServiceEngine> out) {
    answer(
        out,
        () -> {
          ServiceEngine.Builder engine = engine(found(request.getId())).toBuilder();
          List<ConvergenceReport.ResourceState> resources = push.resources(request.getId());
          if (resources.isEmpty() && !request.getThisReplicaOnly()) {
            // connected to another replica, maybe: what it sent the engine is there
            return convergenceCalls.onItsReplica(request, engine.build());
          }
          for (ConvergenceReport.ResourceState state : resources) {
            AppliedResource.Builder resource =
                AppliedResource.newBuilder()
                    .setDesired(
                        ResourceVersion.newBuilder()
                            .setType(state.key().type())
                            .setName(state.key().name())
                            .setVersion(state.desiredVersion()))
                    .setAppliedVersion(state.appliedVersion());
            if (state.rejection() != null) {
              resource.setNackError(rejection(state.rejection().error()));
            }
            engine.addResources(resource);
          }
          return engine.build();
        });
  }

  @Override
  public void listServiceEngineEvents(
      ListServiceEngineEventsRequest request, StreamObserver<ListServiceEngineEventsResponse> out) {
    answer(
        out,
        () -> {
          int size = pageSize(request.getPageSize(), "page_size");
          long before = eventToken(request.getPageToken());
          List<EngineEvents.Event> page = events.page(request.getSeId(), before, size + 1);
          ListServiceEngineEventsResponse.Builder response =
              ListServiceEngineEventsResponse.newBuilder();
          page.stream()
              .limit(size)
              .forEach(
                  e ->
                      response.addEvents(
                          ServiceEngineEvent.newBuilder()
                              .setTime(timestamp(e.time()))
                              .setSeId(e.seId())
                              .setType(e.type())
                              .setMessage(e.message())));
          if (page.size() > size) {
            response.setNextPageToken(Long.toString(page.get(size - 1).id()));
          }
          return response.build();
        });
  }

  @Override
  public void redeployServiceEngine(
      RedeployServiceEngineRequest request, StreamObserver<ServiceEngine> out) {
    answer(
        out,
        () -> {
          Inventory.Engine engine = found(request.getId());
          try {
            lifecycle().redeploy(engine);
          } catch (DriverException e) {
            throw Status.FAILED_PRECONDITION
                .withDescription("engine " + engine.id() + ": " + e.getMessage())
                .asRuntimeException();
          }
          return engine(found(request.getId()));
        });
  }

  @Override
  public void decommissionServiceEngine(
      DecommissionServiceEngineRequest request, StreamObserver<ServiceEngine> out) {
    answer(
        out,
        () -> {
          Inventory.Engine engine = found(request.getId());
          try {
            lifecycle().decommission(engine);
          } catch (DriverException e) {
            throw Status.FAILED_PRECONDITION
                .withDescription("engine " + engine.id() + ": " + e.getMessage())
                .asRuntimeException();
          }
          return engine(found(request.getId()));
        });
  }

  @Override
  public void getConvergence(
      GetConvergenceRequest request, StreamObserver<GetConvergenceResponse> out) {
    answer(out, () -> convergenceCalls.convergence(request));
  }

  private Reconciler lifecycle() {
    if (reconciler == null) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "the lifecycle is not enabled on this manager (gatehouse.semanager.lifecycle.enabled)")
          .asRuntimeException();
    }
    return reconciler;
  }

  private Inventory.Engine found(String id) {
    if (id.isBlank()) {
      throw Errors.invalidArgument("id", "is required");
    }
    return inventory
        .get(id)
        .orElseThrow(
            () ->
                Status.NOT_FOUND
                    .withDescription("service engine " + id + " is not in the inventory")
                    .asRuntimeException());
  }

  private static ServiceEngine engine(Inventory.Engine e) {
    ServiceEngine.Builder engine =
        ServiceEngine.newBuilder()
            .setId(e.id())
            .setNodeId(e.nodeId())
            .setHostname(e.hostname())
            .setSeGroup(e.seGroup())
            .setState(e.state())
            .setDeploymentMethod(e.deploymentMethod())
            .setVersion(e.version())
            .setRevision(e.revision());
    if (e.connectedAt() != null) {
      engine.setConnectedTime(timestamp(e.connectedAt()));
    }
    if (e.lastHeartbeatAt() != null) {
      engine.setLastHeartbeatTime(timestamp(e.lastHeartbeatAt()));
    }
    if (e.state() == ServiceEngineState.SERVICE_ENGINE_STATE_CONNECTED
        || e.state() == ServiceEngineState.SERVICE_ENGINE_STATE_DRAINING) {
      EngineLoad load = e.load();
      engine.setLoad(
          LoadFigures.newBuilder()
              .setOpenConnections(load.openConnections())
              .setRequestsPerSecond(load.requestsPerSecond())
              .setCpuUsed(load.cpuUsed())
              .setResidentMemoryBytes(load.residentMemoryBytes())
              .setAnalyticsDropped(load.analyticsDropped()));
    }
    return engine.build();
  }

  static com.google.rpc.Status rejection(String error) {
    return com.google.rpc.Status.newBuilder()
        .setCode(Code.INVALID_ARGUMENT_VALUE)
        .setMessage(error)
        .build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  private static int pageSize(int requested, String field) {
    if (requested < 0 || requested > MAX_PAGE) {
      throw Errors.invalidArgument(field, "must be 1 to " + MAX_PAGE + " (0 means 100)");
    }
    return requested == 0 ? DEFAULT_PAGE : requested;
  }

  private static String[] engineToken(String token) {
    if (token.isEmpty()) {
      return new String[] {"", ""};
    }
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 2);
      if (parts.length == 2) {
        return parts;
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw Errors.invalidArgument("page_token", "is not a token this list returned");
  }

  private static long eventToken(String token) {
    if (token.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(token);
    } catch (NumberFormatException e) {
      throw Errors.invalidArgument("page_token", "is not a token this list returned");
    }
  }

  /** Runs an operator's call: engines' tokens are refused, failures become statuses. */
  private static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
    T response;
    try {
      if (Role.current() != Role.OPERATOR) {
        throw Status.PERMISSION_DENIED
            .withDescription("ServiceEngineAdmin is for operators: use an operator token")
            .asRuntimeException();
      }
      response = call.get();
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    } catch (Inventory.InventoryException | SshKeyStore.StoreException e) {
      out.onError(
          Status.UNAVAILABLE
              .withDescription("the inventory database does not answer; try again")
              .asRuntimeException());
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }
}
