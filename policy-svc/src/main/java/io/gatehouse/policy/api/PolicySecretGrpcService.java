package io.gatehouse.policy.api;

import io.gatehouse.api.policy.v1.GetCloudCredentialsRequest;
import io.gatehouse.api.policy.v1.GetCloudCredentialsResponse;
import io.gatehouse.api.policy.v1.GetRegistryCredentialsRequest;
import io.gatehouse.api.policy.v1.GetRegistryCredentialsResponse;
import io.gatehouse.api.policy.v1.GetSslPrivateKeyRequest;
import io.gatehouse.api.policy.v1.GetSslPrivateKeyResponse;
import io.gatehouse.api.policy.v1.PolicySecretServiceGrpc;
import io.gatehouse.policy.auth.Role;
import io.gatehouse.policy.objects.CloudKind;
import io.gatehouse.policy.objects.PolicyKinds;
import io.gatehouse.policy.store.PolicyStore;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/**
 * PolicySecretService over gRPC: private keys and registry credentials for se-manager-svc only, the
 * cloud's credentials for discovery-svc only.
 */
@Singleton
final class PolicySecretGrpcService extends PolicySecretServiceGrpc.PolicySecretServiceImplBase {
  private final PolicyStore store;
  private final PolicyKinds kinds;

  PolicySecretGrpcService(PolicyStore store, PolicyKinds kinds) {
    this.store = store;
    this.kinds = kinds;
  }

  @Override
  public void getSslPrivateKey(
      GetSslPrivateKeyRequest r, StreamObserver<GetSslPrivateKeyResponse> out) {
    PolicyStore.Secret secret = store.secret(kinds.certificates(), r.getName(), Role.current());
    out.onNext(
        GetSslPrivateKeyResponse.newBuilder()
            .setName(r.getName())
            .setRevision(secret.revision())
            .setPrivateKeyPem(secret.value())
            .build());
    out.onCompleted();
  }

  @Override
  public void getRegistryCredentials(
      GetRegistryCredentialsRequest r, StreamObserver<GetRegistryCredentialsResponse> out) {
    PolicyStore.Secret secret =
        store.secret(kinds.serviceEngineGroups(), r.getName(), Role.current());
    out.onNext(
        GetRegistryCredentialsResponse.newBuilder()
            .setRevision(secret.revision())
            .setRegistryCredentials(secret.value())
            .build());
    out.onCompleted();
  }

  @Override
  public void getCloudCredentials(
      GetCloudCredentialsRequest r, StreamObserver<GetCloudCredentialsResponse> out) {
    PolicyStore.Secret secret = store.secret(kinds.clouds(), r.getName(), Role.current());
    out.onNext(
        GetCloudCredentialsResponse.newBuilder()
            .setRevision(secret.revision())
            .setMarathonCredentials(CloudKind.credentials(secret.value()))
            .setMarathonToken(CloudKind.token(secret.value()))
            .build());
    out.onCompleted();
  }
}
