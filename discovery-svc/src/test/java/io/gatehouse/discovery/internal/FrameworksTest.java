package io.gatehouse.discovery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.discovery.labels.ProxySettings;
import io.micronaut.context.exceptions.ConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameworksTest {
  private static final ProxyConfig PROXY =
      new ProxyConfig(List.of(80, 8080), 10000, 10999, null, null, null, null, null, null, null);

  private static MarathonConfig marathon(String name, Integer min, Integer max) {
    return new MarathonConfig(name, "http://127.0.0.1:8080", null, null, min, max);
  }

  @Test
  void eachInstanceHasItsOwnServicePortRangeOrTheDefault() {
    Map<String, ProxySettings> settings =
        Frameworks.proxySettings(
            List.of(marathon("default", null, null), marathon("batch", 20000, 20999)), PROXY);

    assertThat(settings.get("default").servicePortMin()).isEqualTo(10000);
    assertThat(settings.get("default").servicePortMax()).isEqualTo(10999);
    assertThat(settings.get("batch").servicePortMin()).isEqualTo(20000);
    assertThat(settings.get("batch").servicePortMax()).isEqualTo(20999);
  }

  @Test
  void overlappingRangesAreRefusedNamingBothInstances() {
    assertThatThrownBy(
            () ->
                Frameworks.proxySettings(
                    List.of(marathon("default", null, null), marathon("batch", 10500, 11000)),
                    PROXY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("gatehouse.discovery.marathons.batch")
        .hasMessageContaining("10500-11000")
        .hasMessageContaining("\"default\" (10000-10999)");
  }

  @Test
  void aRangeChangedAtRunTimeIsCheckedAgainstTheOtherInstancesAsTheyAreNow() {
    Frameworks frameworks =
        new Frameworks(
            List.of(marathon("default", null, null), marathon("batch", 20000, 20999)),
            new DiscoveryConfig(
                Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(1), 100),
            PROXY);
    try {
      assertThat(frameworks.overlapping("default", 20500, 21000)).contains("batch");
      assertThat(frameworks.overlapping("default", 1, 20000)).contains("batch");
      assertThat(frameworks.overlapping("default", 11000, 19999)).isEmpty();
      assertThat(frameworks.overlapping("batch", 20000, 20999)).isEmpty(); // its own range

      frameworks.get("batch").translator().useServicePorts(30000, 30999);
      assertThat(frameworks.overlapping("default", 20500, 21000)).isEmpty();
      assertThat(frameworks.overlapping("batch", 10500, 10600)).contains("default");
    } finally {
      frameworks.stop();
    }
  }

  @Test
  void anInvertedRangeIsRefused() {
    assertThatThrownBy(
            () -> Frameworks.proxySettings(List.of(marathon("default", 3000, 2000)), PROXY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("3000-2000");
  }
}
