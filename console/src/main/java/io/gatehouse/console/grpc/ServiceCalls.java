package io.gatehouse.console.grpc;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.gatehouse.common.grpc.BearerToken;
import io.gatehouse.common.tls.GrpcTls;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;

/**
 * The services' gRPC APIs as the console calls them: any method of policy-svc, discovery-svc,
 * se-manager-svc (its admin API) and analytics-svc (its queries) by its descriptor, with messages
 * built from JSON rather than generated classes, over the services' TLS, with the console's
 * operator token, and a deadline on every unary call. The console calls nothing else.
 */
@Singleton
public final class ServiceCalls {
  private static final long DEADLINE_SECONDS = 10;

  /** One service: what it is called in errors, and the channel to it. */
  private record Service(String name, ManagedChannel managed, Channel channel) {}

  private final Map<String, Service> byGrpcService;
  private final Map<Descriptors.MethodDescriptor, MethodDescriptor<DynamicMessage, DynamicMessage>>
      methods = new ConcurrentHashMap<>();

  ServiceCalls(
      GrpcTls tls,
      @Value("${gatehouse.console.operator-token:}") String token,
      @Value("${gatehouse.console.policy.target}") String policy,
      @Value("${gatehouse.console.discovery.target}") String discovery,
      @Value("${gatehouse.console.semanager.target}") String semanager,
      @Value("${gatehouse.console.analytics.target}") String analytics) {
    if (token.isBlank()) {
      throw new ConfigurationException(
          "gatehouse.console.operator-token is required (an operator token the services accept;"
              + " set it by the environment variable GATEHOUSE_CONSOLE_OPERATOR_TOKEN)");
    }
    String bearer = token.strip();
    this.byGrpcService =
        Map.of(
            PolicyServiceGrpc.SERVICE_NAME,
            service("policy-svc", tls, policy, "policy", bearer),
            DiscoveryServiceGrpc.SERVICE_NAME,
            service("discovery-svc", tls, discovery, "discovery", bearer),
            ServiceEngineAdminGrpc.SERVICE_NAME,
            service("se-manager-svc", tls, semanager, "semanager", bearer),
            AnalyticsQueryGrpc.SERVICE_NAME,
            service("analytics-svc", tls, analytics, "analytics", bearer));
  }

  private static Service service(
      String name, GrpcTls tls, String target, String setting, String token) {
    ManagedChannel managed = tls.channel(target, "gatehouse.console." + setting + ".server-name");
    return new Service(name, managed, BearerToken.attach(managed, token));
  }

  /**
   * Calls {@code method} with {@code request}; a failure is the API's error for the call's status.
   */
  public DynamicMessage call(Descriptors.MethodDescriptor method, DynamicMessage request) {
    Service service = service(method.getService().getFullName());
    try {
      return ClientCalls.blockingUnaryCall(
          service.channel(),
          methods.computeIfAbsent(method, ServiceCalls::grpcMethod),
          CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS),
          request);
    } catch (StatusRuntimeException failed) {
      throw GrpcErrors.toApi(service.name(), failed);
    }
  }

  /**
   * The responses of a server-streaming call, asked of the service no faster than the subscriber
   * takes them; ended when the subscriber cancels. A failure is the API's error for its status.
   */
  public <Q, R> Flux<R> stream(MethodDescriptor<Q, R> method, Q request) {
    Service service = service(method.getServiceName());
    return Flux.create(
        sink -> {
          ClientCall<Q, R> call = service.channel().newCall(method, CallOptions.DEFAULT);
          call.start(
              new ClientCall.Listener<>() {
                @Override
                public void onMessage(R response) {
                  sink.next(response);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                  if (status.isOk() || status.getCode() == Status.Code.CANCELLED) {
                    sink.complete();
                  } else {
                    sink.error(
                        GrpcErrors.toApi(service.name(), status.asRuntimeException(trailers)));
                  }
                }
              },
              new Metadata());
          call.sendMessage(request);
          call.halfClose();
          sink.onRequest(n -> call.request((int) Math.min(n, Integer.MAX_VALUE)));
          sink.onCancel(() -> call.cancel("the client left", null));
        });
  }

  private Service service(String grpcService) {
    Service service = byGrpcService.get(grpcService);
    if (service == null) {
      throw new IllegalArgumentException("the console does not call " + grpcService);
    }
    return service;
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
    List.copyOf(byGrpcService.values()).forEach(s -> s.managed().shutdownNow());
  }
}
