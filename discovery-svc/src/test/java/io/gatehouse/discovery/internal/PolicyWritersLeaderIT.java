package io.gatehouse.discovery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.common.leader.Leadership;
import io.gatehouse.common.tls.GrpcTls;
import io.gatehouse.sim.Simulator;
import io.gatehouse.sim.SimulatorConfig;
import io.gatehouse.testsupport.TestPostgres;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Of several discovery-svc replicas sharing a leader database, exactly one writes policy. */
class PolicyWritersLeaderIT {
  @Test
  void oneReplicaWritesAndAnotherTakesOverWhenItStops() throws Exception {
    TestPostgres.Database db = TestPostgres.freshDatabase();
    try (Simulator sim =
        Simulator.start(SimulatorConfig.forTests(true, Files.createTempDirectory("leader-it")))) {
      Frameworks frameworks =
          new Frameworks(
              List.of(new MarathonConfig("default", sim.marathonUrl(), null, null, null, null)),
              new DiscoveryConfig(
                  Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(5), 100),
              new ProxyConfig(
                  List.of(80, 8080), 1, 65535, null, null, null, null, null, null, null));
      // policy-svc is not needed to elect a writer: its address answers nothing
      PolicyConfig policy =
          new PolicyConfig("127.0.0.1:1", "test-discovery-token-0001", Duration.ofMillis(100));
      LeaderConfig leader =
          new LeaderConfig(db.jdbcUrl(), db.user(), db.password(), Duration.ofMillis(100));
      try {
        PolicyWriters first =
            new PolicyWriters(frameworks, policy, leader, GrpcTls.withoutTls(), "first");
        await().until(first::writing);
        PolicyWriters second =
            new PolicyWriters(frameworks, policy, leader, GrpcTls.withoutTls(), "second");
        await().during(Duration.ofMillis(500)).until(() -> first.writing() && !second.writing());
        await().until(() -> second.leadership().leader().equals("first"));
        assertThat(second.leadership().thisReplica()).isFalse();

        first.stop();
        assertThat(first.writing()).isFalse();
        await().until(second::writing);
        await().until(() -> second.leadership().thisReplica());
        second.stop();
      } finally {
        frameworks.stop();
      }
    }
  }

  @Test
  void withoutALeaderDatabaseTheOnlyReplicaWrites() throws Exception {
    try (Simulator sim =
        Simulator.start(SimulatorConfig.forTests(true, Files.createTempDirectory("leader-it")))) {
      Frameworks frameworks =
          new Frameworks(
              List.of(new MarathonConfig("default", sim.marathonUrl(), null, null, null, null)),
              new DiscoveryConfig(
                  Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(5), 100),
              new ProxyConfig(
                  List.of(80, 8080), 1, 65535, null, null, null, null, null, null, null));
      try {
        PolicyWriters alone =
            new PolicyWriters(
                frameworks,
                new PolicyConfig(
                    "127.0.0.1:1", "test-discovery-token-0001", Duration.ofMillis(100)),
                new LeaderConfig(null, null, null, Duration.ofSeconds(2)),
                GrpcTls.withoutTls(),
                "replica");
        assertThat(alone.writing()).isTrue();
        assertThat(alone.leadership())
            .isEqualTo(new Leadership("discovery-svc/policy-writer", "replica", true));
        alone.stop();
      } finally {
        frameworks.stop();
      }
    }
  }
}
