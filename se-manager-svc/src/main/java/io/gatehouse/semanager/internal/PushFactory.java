package io.gatehouse.semanager.internal;

import io.gatehouse.semanager.auth.Role;
import io.gatehouse.semanager.control.ControlGrpcService;
import io.gatehouse.semanager.push.ConfigPush;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.util.TransmitStatusRuntimeExceptionInterceptor;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/** The push, the engines' Connect service, and the gRPC server's shared parts. */
@Factory
final class PushFactory {
  @Singleton
  ConfigPush configPush() {
    return new ConfigPush();
  }

  @Singleton
  @Named("control")
  BindableService control(
      ConfigPush push,
      @Value("${gatehouse.semanager.heartbeat-interval:10s}") Duration heartbeatInterval) {
    return new ControlGrpcService(
        push, managerId(), heartbeatInterval, () -> Role.current() == Role.SERVICE_ENGINE);
  }

  @Singleton
  @Named("transmit-status")
  ServerInterceptor transmitStatus() {
    return TransmitStatusRuntimeExceptionInterceptor.instance();
  }

  @Singleton
  @Named("reflection")
  BindableService reflection() {
    return ProtoReflectionServiceV1.newInstance();
  }

  private static String managerId() {
    try {
      return "se-manager@" + InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "se-manager";
    }
  }
}
