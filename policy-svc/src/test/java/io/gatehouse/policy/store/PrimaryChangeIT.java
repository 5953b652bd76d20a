package io.gatehouse.policy.store;

import static io.gatehouse.policy.Fixtures.staticPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.ListPoolsRequest;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.WatchRequest;
import io.gatehouse.policy.PolicyClients;
import io.gatehouse.policy.RunningPolicyService;
import io.gatehouse.policy.WatchCollector;
import io.gatehouse.testsupport.ReplicatedPostgres;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * policy-svc on a highly available PostgreSQL: given both servers in one URL (primary first, {@code
 * targetServerType=primary}), it follows the primary when the old one stops and the standby is
 * promoted, with no restart and nothing lost that the old primary had replicated.
 */
@MicronautTest
class PrimaryChangeIT extends RunningPolicyService {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private ReplicatedPostgres postgres;

  @Override
  public Map<String, String> getProperties() {
    postgres = ReplicatedPostgres.start("policy");
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
  void writesAndWatchesGoOnOnThePromotedStandby() {
    long start = clients.operator().listPools(ListPoolsRequest.newBuilder().build()).getRevision();
    WatchCollector watcher = WatchCollector.reading();
    clients
        .async(PolicyClients.OPERATOR)
        .watch(WatchRequest.newBuilder().setFromRevision(start).build(), watcher);
    create("before-failover");
    await().atMost(WAIT).until(() -> watcher.names().contains("before-failover"));
    await().atMost(WAIT).until(postgres::standbyCaughtUp);

    postgres.stopPrimary();
    postgres.promoteStandby();

    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> create("after-failover"));
    await().atMost(WAIT).until(() -> watcher.names().contains("after-failover"));
    assertThat(watcher.names()).containsExactly("before-failover", "after-failover");
    assertThat(watcher.error()).isNull();
    assertThat(clients.operator().listPools(ListPoolsRequest.newBuilder().build()).getPoolsList())
        .extracting(p -> p.getMeta().getName())
        .contains("before-failover", "after-failover");
    watcher.cancel();
  }

  private void create(String name) {
    Pool pool = staticPool(name, "10.3.0.1:80");
    clients.operator().createPool(CreatePoolRequest.newBuilder().setPool(pool).build());
  }
}
