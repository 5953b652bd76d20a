package io.gatehouse.analytics.internal;

import io.gatehouse.common.leader.Elections;
import io.gatehouse.common.leader.LeaderElection;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Named;
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
  LeaderElection autoscalerElection(Elections elections) {
    return elections.start(
        "analytics-svc/autoscaler",
        leading -> log.info(leading ? "leading: autoscaling" : "no longer leading"));
  }
}
