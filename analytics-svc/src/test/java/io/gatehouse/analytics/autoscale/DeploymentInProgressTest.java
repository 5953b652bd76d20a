package io.gatehouse.analytics.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

/** A scale refused while the app's Marathon deployment runs is postponed, nothing else is. */
class DeploymentInProgressTest {
  private static StatusRuntimeException refused(Code code, String reason) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage("deployment d-1 of /web runs")
            .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).build()))
            .build());
  }

  @Test
  void onlyAFailedPreconditionSayingSoIsADeploymentInProgress() {
    assertThat(
            Autoscaler.deploymentInProgress(
                refused(Code.FAILED_PRECONDITION, "DEPLOYMENT_IN_PROGRESS")))
        .isTrue();
    assertThat(Autoscaler.deploymentInProgress(refused(Code.FAILED_PRECONDITION, "APP_LOCKED")))
        .isFalse();
    assertThat(Autoscaler.deploymentInProgress(refused(Code.ABORTED, "DEPLOYMENT_IN_PROGRESS")))
        .isFalse();
    assertThat(
            Autoscaler.deploymentInProgress(
                Status.FAILED_PRECONDITION.withDescription("no details").asRuntimeException()))
        .isFalse();
  }
}
