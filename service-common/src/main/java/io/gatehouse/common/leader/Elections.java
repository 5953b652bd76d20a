package io.gatehouse.common.leader;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Starts the elections of a service whose replicas share its default datasource: each held in that
 * database under its duty's name, run every 2 s, this replica named as {@link Replicas#name} names
 * it, and reported in {@code /metrics}.
 */
@Singleton
@Requires(property = "datasources.default.url")
public final class Elections {
  private static final Duration INTERVAL = Duration.ofSeconds(2);

  private final MeterRegistry registry;
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String replica;

  Elections(
      MeterRegistry registry,
      @Value("${datasources.default.url}") String jdbcUrl,
      @Value("${datasources.default.username}") String user,
      @Value("${datasources.default.password:}") String password,
      @Value("${grpc.server.port:0}") int grpcPort) {
    this.registry = registry;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.replica = Replicas.name(grpcPort);
  }

  /** The election of {@code duty}, started; {@code onChange} hears this replica's every change. */
  public LeaderElection start(String duty, Consumer<Boolean> onChange) {
    return new LeaderElection(
            new LeaderElection.Settings(jdbcUrl, user, password, duty, INTERVAL, replica))
        .onChange(onChange)
        .reportTo(registry)
        .start();
  }
}
