package io.gatehouse.discovery.internal;

import io.grpc.ServerInterceptor;
import io.grpc.util.TransmitStatusRuntimeExceptionInterceptor;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** The gRPC server's shared parts: status transmission. */
@Factory
final class GrpcServerFactory {
  /**
   * Handlers report failures by throwing a StatusRuntimeException (with google.rpc details); this
   * sends it as the call's status instead of gRPC's opaque UNKNOWN.
   */
  @Singleton
  @Named("transmit-status")
  ServerInterceptor transmitStatus() {
    return TransmitStatusRuntimeExceptionInterceptor.instance();
  }
}
