package io.gatehouse.discovery.internal;

import io.gatehouse.discovery.mesos.AgentModel;
import io.gatehouse.discovery.mesos.MesosClient;
import io.gatehouse.discovery.mesos.MesosPoller;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The agent model and the poller that keeps it current, started with the service. */
@Factory
final class MesosFactory {
  @Singleton
  AgentModel agentModel() {
    return new AgentModel();
  }

  @Context
  @Bean(preDestroy = "close")
  MesosPoller mesosPoller(MesosConfig config, AgentModel model) {
    return new MesosPoller(
        new MesosClient(config.url(), Duration.ofSeconds(10)), model, config.pollInterval());
  }
}
