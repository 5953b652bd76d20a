package io.gatehouse.analytics.internal;

import io.gatehouse.analytics.ingest.MetricIngest;
import io.grpc.ServerInterceptor;
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
 * Metric ingest (its folded batches written to the rollups every {@code
 * gatehouse.analytics.rollup.interval}, default 1 s, and acknowledged then) and the gRPC server's
 * shared parts.
 */
@Factory
final class AnalyticsFactory {
  @Context
  @Bean(preDestroy = "close")
  MetricIngest metricIngest(
      DataSource dataSource,
      @Value("${gatehouse.analytics.rollup.interval:1s}") Duration interval) {
    return new MetricIngest(dataSource, Clock.systemUTC()).start(interval);
  }

  @Singleton
  @Named("transmit-status")
  ServerInterceptor transmitStatus() {
    return TransmitStatusRuntimeExceptionInterceptor.instance();
  }
}
