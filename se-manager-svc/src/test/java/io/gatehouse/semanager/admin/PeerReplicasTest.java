package io.gatehouse.semanager.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;

/** The replicas' addresses are checked when se-manager-svc starts, naming the setting at fault. */
class PeerReplicasTest {
  @Test
  void aBadPeerListIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> new PeerReplicas(null, "replica-a:9103, replica-b", "", ""))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("gatehouse.semanager.peers: ")
        .hasMessageContaining("\" replica-b\"");
    assertThatThrownBy(() -> new PeerReplicas(null, "replica-a:99999", "", ""))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("port 1-65535");
  }

  @Test
  void withoutPeersTheEnginesAddressIsUsedAndNamedWhenBad() {
    assertThat(new PeerReplicas(null, "", "managers.example:9103", "").known()).isTrue();
    assertThat(new PeerReplicas(null, "", "", "").known()).isFalse();
    assertThatThrownBy(() -> new PeerReplicas(null, "", "managers.example", ""))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("gatehouse.semanager.lifecycle.manager-address: ");
  }

  @Test
  void aListLongerThanSixteenIsRefused() {
    String seventeen =
        String.join(
            ",",
            java.util.stream.IntStream.rangeClosed(1, 17)
                .mapToObj(i -> "r" + i + ":9103")
                .toList());
    assertThatThrownBy(() -> new PeerReplicas(null, seventeen, "", ""))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("at most 16");
  }
}
