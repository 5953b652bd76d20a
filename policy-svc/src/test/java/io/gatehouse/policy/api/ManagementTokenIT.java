package io.gatehouse.policy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.policy.RunningPolicyService;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** A management port whose /metrics asks for a token: health stays open to probes. */
@MicronautTest
@Property(name = "gatehouse.management.metrics-token", value = "scrape-token-0123456789")
class ManagementTokenIT extends RunningPolicyService {
  @Inject
  @Client("/")
  HttpClient http;

  @Test
  void metricsNeedTheTokenAndHealthDoesNot() {
    assertThatThrownBy(() -> http.toBlocking().retrieve(HttpRequest.GET("/metrics")))
        .isInstanceOfSatisfying(
            HttpClientResponseException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.UNAUTHORIZED.getCode()));
    assertThatThrownBy(
            () ->
                http.toBlocking()
                    .retrieve(HttpRequest.GET("/metrics").bearerAuth("wrong-token-0123456789")))
        .isInstanceOf(HttpClientResponseException.class);

    assertThat(
            http.toBlocking()
                .retrieve(HttpRequest.GET("/metrics").bearerAuth("scrape-token-0123456789")))
        .contains("# TYPE jvm_memory_used_bytes gauge");
    assertThat(http.toBlocking().retrieve("/health")).contains("\"status\":\"UP\"");
  }
}
