package io.gatehouse.semanager.internal;

import io.gatehouse.semanager.inventory.EngineEvents;
import io.gatehouse.semanager.inventory.EventRetention;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import java.time.Clock;
import java.time.Duration;

/**
 * The engine inventory's upkeep: its event log kept for {@code
 * gatehouse.semanager.inventory.event-retention} (30 days unless set).
 */
@Factory
final class InventoryFactory {
  static final String EVENT_RETENTION = "gatehouse.semanager.inventory.event-retention";

  @Context
  @Bean(preDestroy = "close")
  EventRetention eventRetention(
      EngineEvents events, @Value("${" + EVENT_RETENTION + ":30d}") Duration retention) {
    try {
      return new EventRetention(events, retention, Clock.systemUTC()).start();
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(EVENT_RETENTION + ": " + e.getMessage());
    }
  }
}
