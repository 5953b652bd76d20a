package io.gatehouse.policy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.gatehouse.api.policy.v1.PolicySecretServiceGrpc;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** gRPC clients of a running policy-svc, one stub per call with its own deadline. */
public final class PolicyClients implements AutoCloseable {
  public static final String OPERATOR = "test-operator-token-0001";
  public static final String DISCOVERY = "test-discovery-token-0001";
  public static final String SE_MANAGER = "test-se-manager-token-0001";
  public static final String ANALYTICS = "test-analytics-token-0001";

  private final ManagedChannel channel;

  public PolicyClients(int port) {
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** A blocking stub calling as the operator, with a 10 s deadline. */
  public PolicyServiceGrpc.PolicyServiceBlockingStub operator() {
    return as(OPERATOR);
  }

  /** A blocking stub calling with {@code token}, with a 10 s deadline. */
  public PolicyServiceGrpc.PolicyServiceBlockingStub as(String token) {
    return PolicyServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(bearer(token))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** An async stub calling with {@code token} (for Watch), without deadline. */
  public PolicyServiceGrpc.PolicyServiceStub async(String token) {
    return PolicyServiceGrpc.newStub(channel).withCallCredentials(bearer(token));
  }

  /** The secret service as {@code token}. */
  public PolicySecretServiceGrpc.PolicySecretServiceBlockingStub secrets(String token) {
    return PolicySecretServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(bearer(token))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** The google.rpc.Status a failed call carried. */
  public static com.google.rpc.Status details(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    return status == null ? com.google.rpc.Status.getDefaultInstance() : status;
  }

  /** The fields an INVALID_ARGUMENT names (its BadRequest's field violations), in order. */
  public static List<String> violatedFields(StatusRuntimeException e) {
    try {
      return details(e).getDetails(0).unpack(BadRequest.class).getFieldViolationsList().stream()
          .map(BadRequest.FieldViolation::getField)
          .toList();
    } catch (InvalidProtocolBufferException notABadRequest) {
      throw new AssertionError("the error carries no BadRequest: " + e, notABadRequest);
    }
  }

  /** The gRPC code of a failed call. */
  public static Status.Code code(Throwable e) {
    return Status.fromThrowable(e).getCode();
  }

  public static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(headers);
      }
    };
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
