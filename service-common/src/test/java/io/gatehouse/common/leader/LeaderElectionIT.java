package io.gatehouse.common.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testsupport.RestartablePostgres;
import io.gatehouse.testsupport.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaderElectionIT {
  private static final Duration INTERVAL = Duration.ofMillis(100);
  private final List<LeaderElection> elections = new ArrayList<>();

  @AfterEach
  void closeAll() {
    elections.forEach(LeaderElection::close);
  }

  private LeaderElection elect(String jdbcUrl, String user, String password, String name) {
    LeaderElection election =
        new LeaderElection(new LeaderElection.Settings(jdbcUrl, user, password, name, INTERVAL));
    elections.add(election);
    return election;
  }

  private LeaderElection elect(TestPostgres.Database db, String name) {
    return elect(db.jdbcUrl(), db.user(), db.password(), name);
  }

  @Test
  void exactlyOneReplicaLeadsAndAnotherTakesOverWhenItStops() {
    TestPostgres.Database db = TestPostgres.freshDatabase();
    List<String> heard = new CopyOnWriteArrayList<>();
    LeaderElection first = elect(db, "writer").onChange(l -> heard.add("first " + l)).start();
    await().until(first::isLeader);
    LeaderElection second = elect(db, "writer").onChange(l -> heard.add("second " + l)).start();
    LeaderElection third = elect(db, "writer").start();

    // several rounds of trying: the followers stay followers while the leader lives
    await().during(INTERVAL.multipliedBy(5)).until(() -> !second.isLeader() && !third.isLeader());
    assertThat(first.isLeader()).isTrue();

    first.close();
    assertThat(first.isLeader()).isFalse();
    await().until(() -> second.isLeader() || third.isLeader());
    await().during(INTERVAL.multipliedBy(3)).until(() -> second.isLeader() ^ third.isLeader());
    assertThat(heard).startsWith("first true", "first false");
  }

  @Test
  void differentDutiesHaveDifferentLeaders() {
    TestPostgres.Database db = TestPostgres.freshDatabase();
    LeaderElection writer = elect(db, "discovery-svc/policy-writer").start();
    LeaderElection reconciler = elect(db, "se-manager-svc/reconciler").start();

    await().until(() -> writer.isLeader() && reconciler.isLeader());
  }

  @Test
  void aLeaderStepsDownWhenTheDatabaseGoesAndLeadsAgainWhenItReturns() {
    try (RestartablePostgres postgres = RestartablePostgres.start("election")) {
      List<Boolean> heard = new CopyOnWriteArrayList<>();
      LeaderElection election =
          elect(postgres.jdbcUrl("election"), "postgres", "", "writer")
              .onChange(heard::add)
              .start();
      await().until(election::isLeader);

      postgres.stop();
      await().until(() -> !election.isLeader());

      postgres.restart();
      await().until(election::isLeader);
      assertThat(heard).containsExactly(true, false, true);
    }
  }

  @Test
  void lockKeysAreStablePerName() {
    assertThat(LeaderElection.lockKey("writer")).isEqualTo(LeaderElection.lockKey("writer"));
    assertThat(LeaderElection.lockKey("writer")).isNotEqualTo(LeaderElection.lockKey("reader"));
  }
}
