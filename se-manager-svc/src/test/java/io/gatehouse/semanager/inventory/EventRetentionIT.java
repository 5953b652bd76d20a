package io.gatehouse.semanager.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testsupport.TestPostgres;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventRetentionIT {
  private static final Duration DAY = Duration.ofDays(1);

  @Test
  void eventsPastTheRetentionArePrunedAndNewerOnesKept() {
    EngineEvents events = new EngineEvents(InventoryDatabase.migrated());
    events.record("default@n1", "NACK", "first");
    events.record("default@n2", "NACK", "second");
    Instant now = Instant.now();

    assertThat(new EventRetention(events, DAY, at(now)).prune()).isZero();
    assertThat(events.page("", 0, 10)).hasSize(2);

    assertThat(new EventRetention(events, DAY, at(now.plus(DAY.multipliedBy(2)))).prune())
        .isEqualTo(2);
    assertThat(events.page("", 0, 10)).isEmpty();
  }

  @Test
  void onceStartedItPrunesAtOnce() {
    EngineEvents events = new EngineEvents(InventoryDatabase.migrated());
    events.record("default@n1", "NACK", "old");
    try (EventRetention retention =
        new EventRetention(events, DAY, at(Instant.now().plus(DAY.multipliedBy(2)))).start()) {
      await().until(() -> events.page("", 0, 10).isEmpty());
    }
  }

  @Test
  void aRetentionThatIsNotPositiveIsRefused() {
    Clock clock = Clock.systemUTC();
    assertThatThrownBy(() -> new EventRetention(null, Duration.ZERO, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be positive, was PT0S");
    assertThatThrownBy(() -> new EventRetention(null, DAY.negated(), clock))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theServiceDoesNotStartWithARetentionThatIsNotPositive() {
    Map<String, Object> properties =
        new HashMap<>(TestPostgres.freshDatabase().micronautProperties());
    properties.put("grpc.server.port", 0);
    properties.put("gatehouse.semanager.inventory.event-retention", "0s");
    assertThatThrownBy(() -> ApplicationContext.run(GrpcEmbeddedServer.class, properties, "test"))
        .hasRootCauseInstanceOf(ConfigurationException.class)
        .rootCause()
        .hasMessage("gatehouse.semanager.inventory.event-retention: must be positive, was PT0S");
  }

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }
}
