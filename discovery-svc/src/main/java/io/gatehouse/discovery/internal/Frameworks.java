package io.gatehouse.discovery.internal;

import io.gatehouse.discovery.apps.AppModel;
import io.gatehouse.discovery.marathon.MarathonClient;
import io.gatehouse.discovery.marathon.MarathonFollower;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The followed Marathon instances, by name: each with its client, follower and app model. */
@Singleton
public final class Frameworks {
  /** The name API calls mean when they name no Marathon instance. */
  public static final String DEFAULT = "default";

  /** One followed Marathon. */
  public record Framework(
      String name, MarathonClient client, MarathonFollower follower, AppModel model) {}

  private final Map<String, Framework> byName = new TreeMap<>();

  public Frameworks(List<MarathonConfig> marathons, DiscoveryConfig config) {
    Clock clock = Clock.systemUTC();
    for (MarathonConfig marathon : marathons) {
      MarathonClient client =
          new MarathonClient(
              new MarathonClient.Endpoint(
                  URI.create(marathon.url()),
                  marathon.credentials(),
                  marathon.token(),
                  config.requestTimeout()));
      AppModel model = new AppModel(config.historyLimit());
      MarathonFollower follower =
          new MarathonFollower(
                  marathon.name(),
                  client,
                  model,
                  new MarathonFollower.Settings(
                      config.resyncInterval(),
                      config.stallTimeout(),
                      Duration.ofSeconds(1),
                      Duration.ofSeconds(30)),
                  clock)
              .start();
      byName.put(marathon.name(), new Framework(marathon.name(), client, follower, model));
    }
  }

  /** The instance named {@code name} ("" means the default); null when none is configured. */
  public Framework get(String name) {
    return byName.get(name == null || name.isEmpty() ? DEFAULT : name);
  }

  public List<Framework> all() {
    return List.copyOf(byName.values());
  }

  @PreDestroy
  void stop() {
    byName.values().forEach(f -> f.follower().close());
  }
}
