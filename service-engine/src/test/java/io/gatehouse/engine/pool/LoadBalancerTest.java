package io.gatehouse.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.PoolConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {
  private static Pool pool(LbAlgorithm algorithm, EndpointConfig... members) {
    return new Pool(new PoolConfig("p", algorithm, List.of(members), Duration.ofSeconds(1)));
  }

  private static List<String> picks(Pool pool, int n) {
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Endpoint e = pool.pick();
      picked.add(e == null ? null : e.id());
    }
    return picked;
  }

  @Test
  void roundRobinFollowsWeightsAndInterleaves() {
    Pool pool =
        pool(
            LbAlgorithm.ROUND_ROBIN,
            new EndpointConfig("10.0.0.1", 80, 3),
            new EndpointConfig("10.0.0.2", 80, 1));

    List<String> picked = picks(pool, 8);

    Map<String, Integer> counts = new TreeMap<>();
    picked.forEach(id -> counts.merge(id, 1, Integer::sum));
    assertThat(counts).containsEntry("10.0.0.1:80", 6).containsEntry("10.0.0.2:80", 2);
    // never three of one member in a row when the other has a share: smooth, not a, a, a, b
    assertThat(picked.subList(0, 4)).containsOnlyOnce("10.0.0.2:80");
  }

  @Test
  void membersThatAreDownOrExcludedAreSkipped() {
    Pool pool =
        pool(
            LbAlgorithm.ROUND_ROBIN,
            new EndpointConfig("10.0.0.1", 80, 1),
            new EndpointConfig("10.0.0.2", 80, 1));
    Endpoint first = pool.members().get(0);
    Endpoint second = pool.members().get(1);

    first.setHealthy(false);
    assertThat(picks(pool, 4)).containsOnly("10.0.0.2:80");
    assertThat(pool.pick(Set.of(second))).isNull();
    second.setHealthy(false);
    assertThat(pool.pick()).isNull();
  }

  @Test
  void leastConnectionsPicksTheMemberWithTheFewestInFlightPerWeight() {
    Pool pool =
        pool(
            LbAlgorithm.LEAST_CONNECTIONS,
            new EndpointConfig("10.0.0.1", 80, 1),
            new EndpointConfig("10.0.0.2", 80, 2));
    Endpoint light = pool.members().get(0);
    Endpoint heavy = pool.members().get(1);
    heavy.started();
    heavy.started();
    heavy.started(); // 3 in flight at weight 2: 1.5 per unit

    light.started(); // 1 per unit
    assertThat(pool.pick()).isSameAs(light);
    light.started(); // 2 per unit
    assertThat(pool.pick()).isSameAs(heavy);
  }

  @Test
  void anUpdateKeepsTheStateOfMembersThatStay() {
    Pool pool =
        pool(
            LbAlgorithm.ROUND_ROBIN,
            new EndpointConfig("10.0.0.1", 80, 1),
            new EndpointConfig("10.0.0.2", 80, 1));
    Endpoint staying = pool.members().get(0);
    staying.started();

    pool.update(
        new PoolConfig(
            "p",
            LbAlgorithm.ROUND_ROBIN,
            List.of(new EndpointConfig("10.0.0.1", 80, 1), new EndpointConfig("10.0.0.3", 80, 1)),
            Duration.ofSeconds(1)));

    assertThat(pool.members().get(0)).isSameAs(staying);
    assertThat(pool.members().get(0).inFlight()).isEqualTo(1);
    assertThat(pool.members())
        .extracting(Endpoint::id)
        .containsExactly("10.0.0.1:80", "10.0.0.3:80");
  }

  @Test
  void fastestResponsePrefersTheQuickMemberUntilItIsBusy() {
    Pool pool =
        pool(
            LbAlgorithm.FASTEST_RESPONSE,
            new EndpointConfig("10.0.0.1", 80, 1),
            new EndpointConfig("10.0.0.2", 80, 1));
    Endpoint quick = pool.members().get(0);
    Endpoint slow = pool.members().get(1);
    quick.responded(1_000_000);
    slow.responded(10_000_000);

    assertThat(picks(pool, 5)).containsOnly("10.0.0.1:80");
    for (int i = 0; i < 10; i++) {
      quick.started(); // 1 ms x 11 in flight costs more than 10 ms x 1
    }
    assertThat(pool.pick()).isSameAs(slow);
  }

  @Test
  void aConsistentHashKeepsAKeyOnItsMemberAndMovesOnlyTheKeysOfAMemberThatLeaves() {
    List<EndpointConfig> three =
        List.of(
            new EndpointConfig("10.0.0.1", 80, 1),
            new EndpointConfig("10.0.0.2", 80, 1),
            new EndpointConfig("10.0.0.3", 80, 1));
    Pool pool =
        new Pool(new PoolConfig("p", LbAlgorithm.CONSISTENT_HASH, three, Duration.ofSeconds(1)));
    Map<String, String> before = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      String key = "10.1." + (i / 250) + "." + (i % 250);
      before.put(key, pool.pick(key, Set.of()).id());
      assertThat(pool.pick(key, Set.of()).id()).isEqualTo(before.get(key)); // stable
    }
    assertThat(new java.util.HashSet<>(before.values())).hasSize(3); // spread over all three

    Endpoint leaving = pool.members().get(2);
    leaving.setHealthy(false);
    before.forEach(
        (key, owner) -> {
          String now = pool.pick(key, Set.of()).id();
          if (owner.equals(leaving.id())) {
            assertThat(now).isNotEqualTo(leaving.id());
          } else {
            assertThat(now).isEqualTo(owner); // keys of the others stay where they were
          }
        });
    leaving.setHealthy(true);
    before.forEach((key, owner) -> assertThat(pool.pick(key, Set.of()).id()).isEqualTo(owner));
  }
}
