package io.gatehouse.policy.internal;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The clock object times come from; tests replace it. */
@Factory
final class ClockFactory {
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
