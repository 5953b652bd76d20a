package io.gatehouse.common.management;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;

/**
 * Prometheus metrics at {@code /metrics} on the management port of every service (Micronaut's own
 * endpoint would be {@code /prometheus}).
 */
@Controller("/metrics")
@Requires(beans = PrometheusMeterRegistry.class)
public final class MetricsController {
  private final PrometheusMeterRegistry registry;

  MetricsController(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Get
  @Produces("text/plain; version=0.0.4; charset=utf-8")
  String scrape() {
    return registry.scrape();
  }
}
