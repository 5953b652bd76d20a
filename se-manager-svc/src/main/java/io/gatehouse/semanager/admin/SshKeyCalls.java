package io.gatehouse.semanager.admin;

import com.google.protobuf.Empty;
import io.gatehouse.api.semanager.v1.DeleteSshKeyRequest;
import io.gatehouse.api.semanager.v1.GenerateSshKeyRequest;
import io.gatehouse.api.semanager.v1.ImportSshKeyRequest;
import io.gatehouse.api.semanager.v1.ListSshKeysResponse;
import io.gatehouse.api.semanager.v1.SshKey;
import io.gatehouse.common.grpc.Errors;
import io.gatehouse.semanager.driver.ssh.SshKeyStore;
import io.gatehouse.semanager.internal.Inputs;
import io.grpc.Status;
import java.util.List;

/**
 * The SSH driver's keys as {@code ServiceEngineAdmin} answers them: only public parts leave, a
 * store refusal becomes the status that names it, and a key a service engine group uses is not
 * deleted.
 */
final class SshKeyCalls {
  private final SshKeyStore keys;
  private final Inputs inputs; // null without policy-svc: no group can use a key

  SshKeyCalls(SshKeyStore keys, Inputs inputs) {
    this.keys = keys;
    this.inputs = inputs;
  }

  SshKey importKey(ImportSshKeyRequest request) {
    return sshKey(() -> keys.importKey(request.getName(), request.getPrivateKey()));
  }

  SshKey generate(GenerateSshKeyRequest request) {
    return sshKey(() -> keys.generate(request.getName(), request.getAlgorithm()));
  }

  ListSshKeysResponse list() {
    ListSshKeysResponse.Builder response = ListSshKeysResponse.newBuilder();
    keys.list().forEach(k -> response.addSshKeys(sshKey(k)));
    return response.build();
  }

  Empty delete(DeleteSshKeyRequest request) {
    List<String> users =
        inputs == null
            ? List.of()
            : inputs.seGroups().stream()
                .filter(g -> g.getSsh().getSshKeyRef().equals(request.getName()))
                .map(g -> g.getMeta().getName())
                .sorted()
                .toList();
    if (!users.isEmpty()) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "ssh key " + request.getName() + " is used by service engine groups " + users)
          .asRuntimeException();
    }
    if (!keys.delete(request.getName())) {
      throw Status.NOT_FOUND
          .withDescription("ssh key " + request.getName() + " does not exist")
          .asRuntimeException();
    }
    return Empty.getDefaultInstance();
  }

  private interface KeyCall {
    SshKeyStore.Key call() throws SshKeyStore.KeyException;
  }

  private static SshKey sshKey(KeyCall call) {
    try {
      return sshKey(call.call());
    } catch (SshKeyStore.KeyException e) {
      throw switch (e.reason()) {
        case INVALID ->
            e.field() == null
                ? Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException()
                : Errors.invalidArgument(e.field(), e.description());
        case EXISTS -> Status.ALREADY_EXISTS.withDescription(e.getMessage()).asRuntimeException();
        case NOT_FOUND -> Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
        case NO_SECRETS_KEY ->
            Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
      };
    }
  }

  private static SshKey sshKey(SshKeyStore.Key key) {
    return SshKey.newBuilder()
        .setName(key.name())
        .setPublicKey(key.publicKey())
        .setFingerprint(key.fingerprint())
        .build();
  }
}
