package io.gatehouse.semanager.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.exceptions.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InventoryFactoryTest {
  @Test
  void anEventRetentionThatIsNotPositiveIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> new InventoryFactory().eventRetention(null, Duration.ofSeconds(-1)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("gatehouse.semanager.inventory.event-retention: must be positive, was PT-1S");
  }
}
