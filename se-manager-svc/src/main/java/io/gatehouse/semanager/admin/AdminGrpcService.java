package io.gatehouse.semanager.admin;

import com.google.rpc.Code;
import io.gatehouse.api.semanager.v1.EngineVersion;
import io.gatehouse.api.semanager.v1.GetConvergenceRequest;
import io.gatehouse.api.semanager.v1.GetConvergenceResponse;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.gatehouse.api.semanager.v1.VirtualServiceConvergence;
import io.gatehouse.semanager.push.ConfigPush;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/**
 * {@code ServiceEngineAdmin}: where every virtual service stands on the engines (convergence). The
 * inventory, events, redeploy and SSH keys come with the lifecycle drivers.
 */
@Singleton
final class AdminGrpcService extends ServiceEngineAdminGrpc.ServiceEngineAdminImplBase {
  private final ConfigPush push;

  AdminGrpcService(ConfigPush push) {
    this.push = push;
  }

  @Override
  public void getConvergence(
      GetConvergenceRequest request, StreamObserver<GetConvergenceResponse> out) {
    GetConvergenceResponse.Builder response = GetConvergenceResponse.newBuilder();
    for (ConfigPush.Convergence convergence : push.convergence()) {
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
      for (ConfigPush.EngineState engine : convergence.engines()) {
        EngineVersion.Builder version =
            EngineVersion.newBuilder()
                .setSeId(engine.engine())
                .setAppliedVersion(engine.appliedVersion());
        if (!engine.rejection().isEmpty()) {
          version.setNackError(
              com.google.rpc.Status.newBuilder()
                  .setCode(Code.INVALID_ARGUMENT_VALUE)
                  .setMessage(engine.rejection()));
        }
        vs.addEngines(version);
      }
      response.addVirtualServices(vs);
    }
    out.onNext(response.build());
    out.onCompleted();
  }
}
