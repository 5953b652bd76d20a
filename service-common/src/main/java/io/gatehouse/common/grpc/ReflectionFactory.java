package io.gatehouse.common.grpc;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * gRPC server reflection, when {@code gatehouse.grpc.reflection=true} (off by default: it tells
 * anyone who asks what every service offers; {@code gatehouse up} turns it on for grpcurl).
 */
@Factory
final class ReflectionFactory {
  @Singleton
  @Named("reflection")
  @Requires(property = "gatehouse.grpc.reflection", value = "true")
  BindableService reflection() {
    return ProtoReflectionServiceV1.newInstance();
  }
}
