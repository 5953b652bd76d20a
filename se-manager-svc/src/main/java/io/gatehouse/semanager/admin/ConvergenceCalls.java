package io.gatehouse.semanager.admin;

import io.gatehouse.api.semanager.v1.EngineVersion;
import io.gatehouse.api.semanager.v1.GetConvergenceRequest;
import io.gatehouse.api.semanager.v1.GetConvergenceResponse;
import io.gatehouse.api.semanager.v1.VirtualServiceConvergence;
import io.gatehouse.common.auth.BearerTokenInterceptor;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.semanager.push.ConvergenceReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Answers GetConvergence: for this replica's engines, or with every other replica's too. */
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
    GetConvergenceResponse local = localConvergence(request);
    Optional<String> token = BearerTokenInterceptor.currentToken();
    if (request.getThisReplicaOnly() || !peers.known() || token.isEmpty()) {
      return local;
    }
    List<GetConvergenceResponse> answers = new ArrayList<>(List.of(local));
    for (GetConvergenceResponse answer : peers.ask(request, token.get())) {
      if (!answer.getReplicasList().contains(replica)) { // this replica asked over the network
        answers.add(answer);
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
}
