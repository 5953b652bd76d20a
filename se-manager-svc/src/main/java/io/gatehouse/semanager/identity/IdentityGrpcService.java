package io.gatehouse.semanager.identity;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.semanager.v1.EngineCredential;
import io.gatehouse.api.semanager.v1.EngineIdentitiesGrpc;
import io.gatehouse.api.semanager.v1.IssueEngineCredentialRequest;
import io.gatehouse.api.semanager.v1.ListRevocationsRequest;
import io.gatehouse.api.semanager.v1.ListRevocationsResponse;
import io.gatehouse.api.semanager.v1.Revocation;
import io.gatehouse.common.grpc.Errors;
import io.gatehouse.common.identity.EngineIdentity;
import io.gatehouse.common.identity.Revocations;
import io.gatehouse.semanager.auth.Role;
import io.gatehouse.semanager.inventory.EngineEvents;
import io.gatehouse.semanager.inventory.Inventory;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code EngineIdentities}: a deploy credential for an engine an operator runs by hand (operators
 * only; each issue is an event of that engine), and the revoked credentials, for the services that
 * verify engine credentials themselves (services and operators). Engines may call neither.
 */
public final class IdentityGrpcService extends EngineIdentitiesGrpc.EngineIdentitiesImplBase {
  private static final Logger log = LoggerFactory.getLogger(IdentityGrpcService.class);
  private static final Pattern SE_GROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,252}");

  private final EngineCredentialIssuer issuer;
  private final RevocationStore store;
  private final EngineEvents events;

  public IdentityGrpcService(
      EngineCredentialIssuer issuer, RevocationStore store, EngineEvents events) {
    this.issuer = issuer;
    this.store = store;
    this.events = events;
  }

  @Override
  public void issueEngineCredential(
      IssueEngineCredentialRequest request, StreamObserver<EngineCredential> out) {
    if (Role.current() != Role.OPERATOR) {
      out.onError(
          Status.PERMISSION_DENIED
              .withDescription("IssueEngineCredential is for operators: use an operator token")
              .asRuntimeException());
      return;
    }
    if (!EngineIdentity.SE_ID.matcher(request.getSeId()).matches()) {
      out.onError(Errors.invalidArgument("se_id", EngineIdentity.SE_ID_RULE));
      return;
    }
    if (!SE_GROUP.matcher(request.getSeGroup()).matches()) {
      out.onError(
          Errors.invalidArgument(
              "se_group", "is a group name: a letter or digit, then letters, digits, . _ / -"));
      return;
    }
    EngineCredential credential = issuer.deployByHand(request.getSeId(), request.getSeGroup());
    Instant until =
        Instant.ofEpochSecond(
            credential.getExpireTime().getSeconds(), credential.getExpireTime().getNanos());
    try {
      events.record(
          request.getSeId(),
          "CREDENTIAL_ISSUED",
          "a deploy credential for group " + request.getSeGroup() + " until " + until);
    } catch (Inventory.InventoryException e) {
      out.onError(
          Status.UNAVAILABLE
              .withDescription("the inventory database does not answer; try again")
              .asRuntimeException());
      return;
    }
    log.info(
        "an operator was issued a deploy credential for engine {} of group {}",
        request.getSeId(),
        request.getSeGroup());
    out.onNext(credential);
    out.onCompleted();
  }

  @Override
  public void listRevocations(
      ListRevocationsRequest request, StreamObserver<ListRevocationsResponse> out) {
    if (Role.current() != Role.SERVICE && Role.current() != Role.OPERATOR) {
      out.onError(
          Status.PERMISSION_DENIED
              .withDescription("ListRevocations is for services: use a service token")
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
