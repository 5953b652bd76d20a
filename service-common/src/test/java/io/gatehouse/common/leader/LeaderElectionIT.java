package io.gatehouse.common.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testsupport.ReplicatedPostgres;
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
        new LeaderElection(
            new LeaderElection.Settings(
                jdbcUrl, user, password, name, INTERVAL, "replica-" + (elections.size() + 1)));
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
  void everyReplicaNamesTheLeaderAndTheNextOneAfterAHandOver() {
    TestPostgres.Database db = TestPostgres.freshDatabase();
    LeaderElection first = elect(db, "writer").start();
    await().until(first::isLeader);
    LeaderElection second = elect(db, "writer").start();
    LeaderElection other = elect(db, "reader").start(); // another duty: its own leader

    await().until(() -> second.leader().equals("replica-1"));
    assertThat(first.leader()).isEqualTo("replica-1");
    await().until(() -> other.leader().equals("replica-3"));

    first.close();
    await().until(() -> second.leader().equals("replica-2"));
    assertThat(second.isLeader()).isTrue();
  }

  @Test
  void aLongReplicaNameIsCutOnACharacterAsPostgresqlKeepsIt() {
    String name = LeaderElection.applicationName("é".repeat(40));
    assertThat(name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(63);
    assertThat(name).startsWith("gatehouse é").doesNotContain("\uFFFD");
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
      assertThat(election.leader()).isEmpty(); // it cannot know who leads now

      postgres.restart();
      await().until(election::isLeader);
      assertThat(heard).containsExactly(true, false, true);
    }
  }

  @Test
  void theLeadershipMovesWithThePrimaryOfAReplicatedDatabase() {
    try (ReplicatedPostgres postgres = ReplicatedPostgres.start("election")) {
      LeaderElection election =
          elect(postgres.jdbcUrl("election"), "postgres", "", "writer").start();
      await().until(election::isLeader);

      postgres.stopPrimary();
      await().until(() -> !election.isLeader()); // the standby is no primary: nobody leads
      postgres.promoteStandby();
      await().atMost(Duration.ofSeconds(30)).until(election::isLeader);
      assertThat(election.leader()).isEqualTo(election.replica());
    }
  }

  @Test
  void lockKeysAreStablePerName() {
    assertThat(LeaderElection.lockKey("writer")).isEqualTo(LeaderElection.lockKey("writer"));
    assertThat(LeaderElection.lockKey("writer")).isNotEqualTo(LeaderElection.lockKey("reader"));
  }
}
