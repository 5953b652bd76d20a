package io.gatehouse.common.management;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Produces;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Prometheus metrics at {@code /metrics} on the management port of every service (Micronaut's own
 * endpoint would be {@code /prometheus}). With {@code gatehouse.management.metrics-token} set (by
 * the environment variable {@code GATEHOUSE_MANAGEMENT_METRICS_TOKEN}, never a command line), a
 * scrape must bring it as {@code Authorization: Bearer <token>} and gets a 401 without it.
 */
@Controller("/metrics")
@Requires(beans = PrometheusMeterRegistry.class)
public final class MetricsController {
  private final PrometheusMeterRegistry registry;
  private final byte[] authorization; // the whole header value expected; null: anyone may scrape

  MetricsController(
      PrometheusMeterRegistry registry,
      @Value("${gatehouse.management.metrics-token:}") String token) {
    this.registry = registry;
    this.authorization =
        token.isBlank() ? null : ("Bearer " + token.strip()).getBytes(StandardCharsets.UTF_8);
  }

  @Get
  @Produces("text/plain; version=0.0.4; charset=utf-8")
  HttpResponse<String> scrape(@Header(HttpHeaders.AUTHORIZATION) @Nullable String given) {
    if (authorization != null
        && (given == null
            || !MessageDigest.isEqual(authorization, given.getBytes(StandardCharsets.UTF_8)))) {
      return HttpResponse.<String>unauthorized().header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    return HttpResponse.ok(registry.scrape());
  }
}
