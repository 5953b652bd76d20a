package io.gatehouse.semanager.identity;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.semanager.v1.EngineRevocationsGrpc;
import io.gatehouse.api.semanager.v1.ListRevocationsRequest;
import io.gatehouse.api.semanager.v1.ListRevocationsResponse;
import io.gatehouse.api.semanager.v1.Revocation;
import io.gatehouse.common.identity.Revocations;
import io.gatehouse.semanager.auth.Role;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * {@code EngineRevocations}: the revoked engine credentials, for the services that verify engine
 * credentials themselves. Services (their service token) and operators may read them; engines may
 * not.
 */
public final class RevocationGrpcService extends EngineRevocationsGrpc.EngineRevocationsImplBase {
  private final RevocationStore store;

  public RevocationGrpcService(RevocationStore store) {
    this.store = store;
  }

  @Override
  public void listRevocations(
      ListRevocationsRequest request, StreamObserver<ListRevocationsResponse> out) {
    if (Role.current() == Role.SERVICE_ENGINE) {
      out.onError(
          Status.PERMISSION_DENIED
              .withDescription("EngineRevocations is for services: use a service token")
              .asRuntimeException());
      return;
    }
    Revocations revocations;
    try {
      revocations = store.read();
    } catch (SQLException e) {
      out.onError(
          Status.UNAVAILABLE
              .withDescription("the inventory database does not answer; try again")
              .asRuntimeException());
      return;
    }
    ListRevocationsResponse.Builder response = ListRevocationsResponse.newBuilder();
    for (Map.Entry<String, Instant> revoked : revocations.revokedBefore().entrySet()) {
      response.addRevocations(
          Revocation.newBuilder()
              .setSeId(revoked.getKey())
              .setRevokedBefore(
                  Timestamp.newBuilder()
                      .setSeconds(revoked.getValue().getEpochSecond())
                      .setNanos(revoked.getValue().getNano())));
    }
    out.onNext(response.build());
    out.onCompleted();
  }
}
