package io.gatehouse.policy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.policy.RunningPolicyService;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The management HTTP port: health and Prometheus metrics, and nothing else. */
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

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/beans",
        "/routes",
        "/threaddump",
        "/refresh",
        "/env",
        "/loggers",
        "/info",
        "/stop",
        "/prometheus",
        "/caches"
      })
  void everyOtherManagementEndpointIsOff(String path) {
    for (HttpRequest<?> request : List.of(HttpRequest.GET(path), HttpRequest.POST(path, "{}"))) {
      assertThatThrownBy(() -> http.toBlocking().exchange(request))
          .as(request.getMethod() + " " + path)
          .isInstanceOfSatisfying(
              HttpClientResponseException.class,
              e -> assertThat(e.getStatus().getCode()).isIn(404, 405));
    }
  }
}
