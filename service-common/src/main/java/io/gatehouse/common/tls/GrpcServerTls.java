package io.gatehouse.common.tls;

import io.grpc.netty.NettyServerBuilder;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.grpc.server.GrpcServerConfiguration;
import jakarta.inject.Singleton;

/** Gives the service's gRPC server the TLS of {@link GrpcTls}, before it is built. */
@Singleton
final class GrpcServerTls implements BeanCreatedEventListener<GrpcServerConfiguration> {
  private final GrpcTls tls;

  GrpcServerTls(GrpcTls tls) {
    this.tls = tls;
  }

  @Override
  public GrpcServerConfiguration onCreated(BeanCreatedEvent<GrpcServerConfiguration> event) {
    GrpcServerConfiguration configuration = event.getBean();
    if (!tls.isPlaintext()) {
      ((NettyServerBuilder) configuration.getServerBuilder()).sslContext(tls.serverContext());
    }
    return configuration;
  }
}
