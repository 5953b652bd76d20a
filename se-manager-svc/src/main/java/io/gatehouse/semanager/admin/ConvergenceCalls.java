package io.gatehouse.semanager.admin;

import io.gatehouse.api.semanager.v1.EngineVersion;
import io.gatehouse.api.semanager.v1.GetConvergenceRequest;
import io.gatehouse.api.semanager.v1.GetConvergenceResponse;
import io.gatehouse.api.semanager.v1.GetServiceEngineRequest;
import io.gatehouse.api.semanager.v1.ServiceEngine;
import io.gatehouse.api.semanager.v1.UnansweredReplica;
import io.gatehouse.api.semanager.v1.VirtualServiceConvergence;
import io.gatehouse.common.auth.BearerTokenInterceptor;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.semanager.push.ConvergenceReport;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers what only the replica an engine is connected to knows: GetConvergence for this replica's
 * engines, or with every other replica's too; an engine's resources from the replica it is on.
 */
final class ConvergenceCalls {
  private final ConfigPush push;
  private final PeerReplicas peers;
  private final String replica;

  ConvergenceCalls(ConfigPush push, PeerReplicas peers, String replica) {
    this.push = push;
    this.peers = peers;
    this.replica = replica;
  }

  /**
   * Where the virtual services stand on the engines connected to this replica and, unless asked for
   * this replica only, to every other replica too (asked on the caller's behalf).
   */
  GetConvergenceResponse convergence(GetConvergenceRequest request) {
    GetConvergenceResponse here = localConvergence(request);
    Optional<String> token = BearerTokenInterceptor.currentToken();
    if (request.getThisReplicaOnly() || !peers.known() || token.isEmpty()) {
      return here;
    }
    GetConvergenceRequest local = request.toBuilder().setThisReplicaOnly(true).build();
    List<GetConvergenceResponse> answers = new ArrayList<>(List.of(here));
    for (PeerReplicas.Answer<GetConvergenceResponse> answer :
        peers.ask(stub -> stub.getConvergence(local), token.get())) {
      if (answer.answer() == null) {
        answers.add(unanswered(answer.address(), answer.error()));
      } else if (!answer.answer().getReplicasList().contains(replica)) { // not this replica
        answers.add(answer.answer());
      }
    }
    return ConvergenceAnswers.merge(answers);
  }

  private GetConvergenceResponse localConvergence(GetConvergenceRequest request) {
    GetConvergenceResponse.Builder response =
        GetConvergenceResponse.newBuilder().addReplicas(replica);
    for (ConvergenceReport.Convergence convergence : push.convergence()) {
      if (!request.getVirtualService().isEmpty()
          && !request.getVirtualService().equals(convergence.name())) {
        continue;
      }
      if (request.getUnconvergedOnly() && convergence.converged()) {
        continue;
      }
      VirtualServiceConvergence.Builder vs =
          VirtualServiceConvergence.newBuilder()
              .setName(convergence.name())
              .setDesiredVersion(convergence.desiredVersion())
              .setConverged(convergence.converged());
      for (ConvergenceReport.EngineState engine : convergence.engines()) {
        EngineVersion.Builder version =
            EngineVersion.newBuilder()
                .setSeId(engine.engine())
                .setAppliedVersion(engine.appliedVersion());
        if (!engine.rejection().isEmpty()) {
          version.setNackError(AdminGrpcService.rejection(engine.rejection()));
        }
        vs.addEngines(version);
      }
      response.addVirtualServices(vs);
    }
    return response.build();
  }

  /**
   * {@code here} (the engine as the inventory has it) with its resources as the replica it is
   * connected to knows them, when another replica has them; else {@code here} alone.
   */
  ServiceEngine onItsReplica(GetServiceEngineRequest request, ServiceEngine here) {
    Optional<String> token = BearerTokenInterceptor.currentToken();
    if (!peers.known() || token.isEmpty()) {
      return here;
    }
    GetServiceEngineRequest local = request.toBuilder().setThisReplicaOnly(true).build();
    for (PeerReplicas.Answer<ServiceEngine> answer :
        peers.ask(stub -> stub.getServiceEngine(local), token.get())) {
      if (answer.answer() != null && answer.answer().getResourcesCount() > 0) {
        return here.toBuilder().addAllResources(answer.answer().getResourcesList()).build();
      }
    }
    return here;
  }

  /** An answer that names a replica that did not answer, and why. */
  private static GetConvergenceResponse unanswered(String address, Status status) {
    return GetConvergenceResponse.newBuilder()
        .addUnansweredReplicas(
            UnansweredReplica.newBuilder()
                .setAddress(address)
                .setError(
                    com.google.rpc.Status.newBuilder()
                        .setCode(status.getCode().value())
                        .setMessage(
                            status.getDescription() == null
                                ? status.getCode().name()
                                : status.getDescription())))
        .build();
  }
}
