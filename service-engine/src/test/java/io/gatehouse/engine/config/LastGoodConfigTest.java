package io.gatehouse.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastGoodConfigTest {
  @TempDir Path directory;

  @Test
  void whatWasSavedComesBackAndNothingIsLeftBesideIt() throws Exception {
    LastGoodConfig lastGood = new LastGoodConfig(directory.resolve("state"));
    assertThat(lastGood.load()).isEmpty();
    EngineConfig config =
        EngineConfig.of(
            List.of(
                new VirtualServiceConfig(
                    "web",
                    List.of(new ListenerConfig("0.0.0.0", 10080, Protocol.HTTP)),
                    "web",
                    null,
                    null,
                    new ClientLogPolicy(
                        true,
                        java.time.Instant.parse("2026-12-04T10:30:00Z"),
                        Duration.ofMillis(250)))),
            List.of(
                new PoolConfig(
                    "web",
                    LbAlgorithm.CONSISTENT_HASH,
                    List.of(new EndpointConfig("10.0.0.5", 31001, 2, "/shop/web")),
                    Duration.ofMillis(750),
                    new HealthMonitorConfig(
                        HealthMonitorConfig.Type.HTTP,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(1),
                        2,
                        3,
                        "/health"),
                    0,
                    Duration.ofSeconds(30),
                    "X-User")));

    lastGood.save(config);
    lastGood.save(config); // replaced in place

    assertThat(lastGood.load()).contains(config);
    try (var files = Files.list(directory.resolve("state"))) {
      assertThat(files).containsExactly(lastGood.file());
    }
  }

  @Test
  void anUnreadableFileIsSetAsideForAManagedEngineAndRefusedOtherwise() throws Exception {
    LastGoodConfig lastGood = new LastGoodConfig(directory);
    Files.writeString(lastGood.file(), "pools: [{name: web, endpoints: [{port: 0}]}]");

    org.assertj.core.api.Assertions.assertThatThrownBy(lastGood::load)
        .isInstanceOf(InvalidConfigException.class);
    assertThat(lastGood.loadOrSetAside()).isEmpty();

    assertThat(lastGood.file()).doesNotExist();
    try (var files = Files.list(directory)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .singleElement()
          .asString()
          .startsWith("last-good-config.json.unreadable-");
    }
    assertThat(lastGood.loadOrSetAside()).isEmpty(); // nothing left to read
  }
}
