package io.gatehouse.discovery.internal;

import io.gatehouse.common.net.HostNames;
import io.gatehouse.discovery.apps.AppModel;
import io.gatehouse.discovery.labels.LabelReferences;
import io.gatehouse.discovery.labels.MarathonLbSettings;
import io.gatehouse.discovery.labels.ProxySettings;
import io.gatehouse.discovery.labels.ProxyTranslator;
import io.gatehouse.discovery.marathon.MarathonClient;
import io.gatehouse.discovery.marathon.MarathonFollower;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The followed Marathon instances, by name: each with its client, follower and app model. */
@Singleton
public final class Frameworks {
  /** The name API calls mean when they name no Marathon instance. */
  public static final String DEFAULT = "default";

  /** One followed Marathon. */
  public record Framework(
      String name,
      MarathonClient client,
      MarathonFollower follower,
      AppModel model,
      ProxyTranslator translator) {}

  private final Map<String, Framework> byName = new TreeMap<>();

  public Frameworks(List<MarathonConfig> marathons, DiscoveryConfig config, ProxyConfig proxy) {
    Clock clock = Clock.systemUTC();
    Map<String, ProxySettings> settings = proxySettings(marathons, proxy);
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
      byName.put(
          marathon.name(),
          new Framework(
              marathon.name(),
              client,
              follower,
              model,
              new ProxyTranslator(settings.get(marathon.name()))));
    }
  }

  /**
   * The Marathon instance other than {@code name} whose proxied service ports overlap {@code
   * min}-{@code max} now, if any: two instances' apps on one service port would fight over every
   * engine's listener.
   */
  public Optional<String> overlapping(String name, int min, int max) {
    for (Framework framework : byName.values()) {
      ProxySettings taken = framework.translator().settings();
      if (!framework.name().equals(name)
          && min <= taken.servicePortMax()
          && taken.servicePortMin() <= max) {
        return Optional.of(framework.name());
      }
    }
    return Optional.empty();
  }

  /**
   * Each instance's proxy settings: its own service-port range, or the shared default. Ranges must
   * not overlap: two instances' apps on one service port would fight over every SE's listener.
   */
  static Map<String, ProxySettings> proxySettings(
      List<MarathonConfig> marathons, ProxyConfig proxy) {
    Map<String, ProxySettings> settings = new TreeMap<>();
    for (MarathonConfig marathon : marathons) {
      int min =
          marathon.servicePortMin() == null ? proxy.servicePortMin() : marathon.servicePortMin();
      int max =
          marathon.servicePortMax() == null ? proxy.servicePortMax() : marathon.servicePortMax();
      String key = "gatehouse.discovery.marathons." + marathon.name();
      if (min < 1 || max > 65535 || min > max) {
        throw new ConfigurationException(
            key + ": service ports " + min + "-" + max + " are not a range within 1-65535");
      }
      for (var other : settings.entrySet()) {
        ProxySettings taken = other.getValue();
        if (min <= taken.servicePortMax() && taken.servicePortMin() <= max) {
          throw new ConfigurationException(
              key
                  + ": service ports "
                  + min
                  + "-"
                  + max
                  + " overlap those of Marathon instance \""
                  + other.getKey()
                  + "\" ("
                  + taken.servicePortMin()
                  + "-"
                  + taken.servicePortMax()
                  + "); give each instance its own service-port-min/max");
        }
      }
      settings.put(
          marathon.name(),
          new ProxySettings(
              Set.copyOf(proxy.httpContainerPorts()),
              min,
              max,
              new LabelReferences(
                  proxy.labelCertificates() == null
                      ? Set.of()
                      : Set.copyOf(proxy.labelCertificates()),
                  proxy.labelSeGroups() == null ? Set.of() : Set.copyOf(proxy.labelSeGroups()),
                  proxy.labelParents() == null ? Set.of() : Set.copyOf(proxy.labelParents()),
                  proxy.labelAbPools() == null ? Set.of() : Set.copyOf(proxy.labelAbPools()),
                  proxy.labelHttpPolicySets() == null
                      ? Set.of()
                      : Set.copyOf(proxy.labelHttpPolicySets())),
              marathonLb(proxy)));
    }
    return settings;
  }

  private static MarathonLbSettings marathonLb(ProxyConfig proxy) {
    Map<String, String> vips = proxy.marathonLbVips() == null ? Map.of() : proxy.marathonLbVips();
    vips.forEach(
        (group, vip) -> {
          if (!vip.matches("[0-9a-fA-F:.]+") || !HostNames.valid(vip)) {
            throw new ConfigurationException(
                "gatehouse.discovery.proxy.marathon-lb-vips."
                    + group
                    + ": \""
                    + vip
                    + "\" is not an IP address");
          }
        });
    return new MarathonLbSettings(
        proxy.marathonLbParents() == null ? Map.of() : proxy.marathonLbParents(), vips);
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
