package io.gatehouse.console.policy;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.gatehouse.common.grpc.BearerToken;
import io.gatehouse.common.tls.GrpcTls;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * policy-svc as the console calls it: any PolicyService method by its descriptor, with messages
 * built from JSON rather than generated classes, over the service's TLS, with the console's
 * operator token, and a deadline on every call.
 */
@Singleton
final class PolicyClient {
  private static final long DEADLINE_SECONDS = 10;

  private final ManagedChannel managed;
  private final Channel channel;
  private final Map<Descriptors.MethodDescriptor, MethodDescriptor<DynamicMessage, DynamicMessage>>
      methods = new ConcurrentHashMap<>();

  PolicyClient(
      GrpcTls tls,
      @Value("${gatehouse.console.policy.target}") String target,
      @Value("${gatehouse.console.policy.token:}") String token) {
    if (token.isBlank()) {
      throw new ConfigurationException(
          "gatehouse.console.policy.token is required (policy-svc's operator token; set it by"
              + " the environment variable GATEHOUSE_CONSOLE_POLICY_TOKEN)");
    }
    this.managed = tls.channel(target, "gatehouse.console.policy.server-name");
    this.channel = BearerToken.attach(managed, token.strip());
  }

  /** Calls {@code method} with {@code request}; a failure is the call's StatusRuntimeException. */
  DynamicMessage call(Descriptors.MethodDescriptor method, DynamicMessage request) {
    return ClientCalls.blockingUnaryCall(
        channel,
        methods.computeIfAbsent(method, PolicyClient::grpcMethod),
        CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS),
        request);
  }

  /** A call of a streaming method, for the caller to start, pace and cancel. */
  <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method) {
    return channel.newCall(method, CallOptions.DEFAULT);
  }

  private static MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod(
      Descriptors.MethodDescriptor method) {
    return MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(
            MethodDescriptor.generateFullMethodName(
                method.getService().getFullName(), method.getName()))
        .setRequestMarshaller(
            ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getInputType())))
        .setResponseMarshaller(
            ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getOutputType())))
        .build();
  }

  @PreDestroy
  void close() {
    managed.shutdownNow();
  }
}
