package io.gatehouse.policy.store;

import static io.gatehouse.policy.Fixtures.staticPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.ListPoolsRequest;
import io.gatehouse.api.policy.v1.WatchRequest;
import io.gatehouse.policy.PolicyClients;
import io.gatehouse.policy.RunningPolicyService;
import io.gatehouse.policy.WatchCollector;
import io.gatehouse.testsupport.RestartablePostgres;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** PostgreSQL stops and starts again under a running policy-svc with an open watch. */
@MicronautTest
class DatabaseRestartIT extends RunningPolicyService {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private RestartablePostgres postgres;

  @Override
  public Map<String, String> getProperties() {
    postgres = RestartablePostgres.start("policy");
    return Map.of(
        "datasources.default.url", postgres.jdbcUrl("policy"),
        "datasources.default.username", "postgres",
        "datasources.default.password", "",
        "datasources.default.connection-timeout", "1000");
  }

  @AfterAll
  void stopDatabase() {
    postgres.close();
  }

  @Test
  void callsFailUnavailableWhileTheDatabaseIsDownAndWatchersResumeWithoutLoss() {
    long start = clients.operator().listPools(ListPoolsRequest.newBuilder().build()).getRevision();
    WatchCollector watcher = WatchCollector.reading();
    clients
        .async(PolicyClients.OPERATOR)
        .watch(WatchRequest.newBuilder().setFromRevision(start).build(), watcher);
    create("before-outage");
    await().atMost(WAIT).until(() -> watcher.names().contains("before-outage"));

    postgres.stop();

    Throwable failure = catchThrowable(() -> create("during-outage"));
    assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(Status.fromThrowable(failure).getDescription()).doesNotContain("jdbc", "SQL");
    await().atMost(WAIT).until(() -> health() == ServingStatus.NOT_SERVING);

    postgres.restart();

    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> create("after-outage"));
    await().atMost(WAIT).until(() -> watcher.names().contains("after-outage"));
    assertThat(watcher.names()).containsExactly("before-outage", "after-outage");
    assertThat(watcher.error()).isNull();
    await().atMost(WAIT).until(() -> health() == ServingStatus.SERVING);
    watcher.cancel();
  }

  private void create(String name) {
    clients
        .operator()
        .createPool(
            CreatePoolRequest.newBuilder().setPool(staticPool(name, "10.3.0.1:80")).build());
  }

  private ServingStatus health() {
    return HealthGrpc.newBlockingStub(clients.channel())
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(
            HealthCheckRequest.newBuilder().setService("gatehouse.policy.v1.PolicyService").build())
        .getStatus();
  }
}
