package io.gatehouse.policy.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.policy.RunningPolicyService;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The management HTTP port: health and Prometheus metrics. */
@MicronautTest
class ManagementIT extends RunningPolicyService {
  @Inject
  @Client("/")
  HttpClient http;

  @Test
  void metricsAreServedInPrometheusText() {
    String metrics = http.toBlocking().retrieve("/metrics");

    assertThat(metrics).contains("# TYPE jvm_memory_used_bytes gauge");
    assertThat(metrics).contains("hikaricp_connections");
  }

  @Test
  void healthIsUp() {
    assertThat(http.toBlocking().retrieve("/health")).contains("\"status\":\"UP\"");
  }
}
