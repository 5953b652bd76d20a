package io.gatehouse.analytics.internal;

import io.gatehouse.analytics.rollup.Roller;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.util.TransmitStatusRuntimeExceptionInterceptor;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The roller (every {@code gatehouse.analytics.rollup.interval}, default 2 s), the housekeeping
 * (client log partitions ahead and past retention, forgotten batch ids; every minute), and the gRPC
 * server's shared parts.
 */
@Factory
final class AnalyticsFactory {
  @Context
  @Bean(preDestroy = "close")
  Roller roller(
      DataSource dataSource,
      @Value("${gatehouse.analytics.rollup.interval:2s}") Duration interval) {
    return new Roller(dataSource, Clock.systemUTC()).start(interval);
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
}
