package io.gatehouse.analytics.internal;

import io.gatehouse.common.leader.LeaderElection;
import io.gatehouse.common.leader.Replicas;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The election of the replica that autoscales: the lock "analytics-svc/autoscaler" in the analytics
 * database. A bean of its own, so that {@code GetLeaders} answers it as well.
 */
@Factory
@Requires(property = "gatehouse.analytics.autoscale.enabled", value = "true")
final class AutoscaleElection {
  private static final Logger log = LoggerFactory.getLogger(AutoscaleElection.class);

  @Context
  @Named("autoscaler")
  @Bean(preDestroy = "close")
  LeaderElection autoscalerElection(
      MeterRegistry registry,
      @Value("${datasources.default.url}") String jdbcUrl,
      @Value("${datasources.default.username}") String user,
      @Value("${datasources.default.password:}") String password,
      @Value("${grpc.server.port:0}") int grpcPort) {
    return new LeaderElection(
            new LeaderElection.Settings(
                jdbcUrl,
                user,
                password,
                "analytics-svc/autoscaler",
                Duration.ofSeconds(2),
                Replicas.name(grpcPort)))
        .onChange(leading -> log.info(leading ? "leading: autoscaling" : "no longer leading"))
        .reportTo(registry)
        .start();
  }
}
