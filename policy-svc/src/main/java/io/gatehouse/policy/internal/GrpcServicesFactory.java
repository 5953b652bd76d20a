package io.gatehouse.policy.internal;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** Standard gRPC services next to ours: server reflection (health comes with micronaut-grpc). */
@Factory
final class GrpcServicesFactory {
  @Singleton
  @Named("reflection")
  @Requires(property = "gatehouse.grpc.reflection", notEquals = "false")
  BindableService reflection() {
    return ProtoReflectionServiceV1.newInstance();
  }
}
