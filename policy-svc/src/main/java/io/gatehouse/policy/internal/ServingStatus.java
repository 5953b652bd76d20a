package io.gatehouse.policy.internal;

import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.policy.watch.ChangeFeed;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

/**
 * Reports the gRPC health of the service: SERVING while the change feed's database connection is
 * up, NOT_SERVING while it is not (calls would fail with UNAVAILABLE).
 */
@Singleton
final class ServingStatus {
  private final HealthStatusManager health;
  private final ChangeFeed feed;

  ServingStatus(HealthStatusManager health, ChangeFeed feed) {
    this.health = health;
    this.feed = feed;
  }

  @Scheduled(fixedDelay = "1s")
  void update() {
    HealthCheckResponse.ServingStatus value =
        feed.connected()
            ? HealthCheckResponse.ServingStatus.SERVING
            : HealthCheckResponse.ServingStatus.NOT_SERVING;
    health.setStatus("", value);
    health.setStatus(PolicyServiceGrpc.SERVICE_NAME, value);
  }
}
