package io.gatehouse.analytics.internal;

import io.gatehouse.analytics.autoscale.Autoscaler;
import io.gatehouse.analytics.autoscale.DecisionStore;
import io.gatehouse.common.Periodic;
import io.gatehouse.common.grpc.BearerToken;
import io.gatehouse.common.leader.LeaderElection;
import io.gatehouse.common.tls.GrpcTls;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the autoscaler every interval while this replica holds the leader lock
 * "analytics-svc/autoscaler" in the analytics database.
 */
@Context
@Requires(property = "gatehouse.analytics.autoscale.enabled", value = "true")
final class AutoscaleFactory {
  private static final Logger log = LoggerFactory.getLogger(AutoscaleFactory.class);

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "autoscaler");
            t.setDaemon(true);
            return t;
          });

  AutoscaleFactory(
      AutoscaleConfig config,
      @Named("discovery") Optional<Channel> discovery,
      DataSource dataSource,
      DecisionStore decisions,
      GrpcTls tls,
      @Named("autoscaler") LeaderElection election) {
    Autoscaler autoscaler =
        new Autoscaler(
            channel(tls, config.policyTarget(), config.policyToken(), "policy"),
            discovery.orElseThrow(
                () ->
                    new ConfigurationException(
                        "gatehouse.analytics.discovery.target and .token are required with the"
                            + " autoscaler enabled")),
            dataSource,
            decisions,
            Clock.systemUTC());
    executor.scheduleWithFixedDelay(
        Periodic.guarded(
            log,
            "autoscale evaluation failed; tried again next interval",
            () -> {
              if (election.isLeader()) {
                autoscaler.evaluate();
              }
            }),
        config.interval().toMillis(),
        config.interval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private Channel channel(GrpcTls tls, String target, String token, String name) {
    String prefix = "gatehouse.analytics.autoscale." + name;
    if (target == null || target.isBlank() || token == null || token.isBlank()) {
      throw new ConfigurationException(
          prefix + "-target and " + prefix + "-token are required with the autoscaler enabled");
    }
    ManagedChannel channel = tls.channel(target, prefix + "-server-name");
    channels.add(channel);
    return BearerToken.attach(channel, token);
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
