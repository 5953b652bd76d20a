package io.gatehouse.sim.mesos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentSpecTest {

  @Test
  void parsesAttributesAndResources() {
    AgentSpec agent = AgentSpec.parse("127.0.0.9:rack=r3,public=true,cpus=8,mem=2048");

    assertThat(agent.hostname()).isEqualTo("127.0.0.9");
    assertThat(agent.attributes()).isEqualTo(Map.of("rack", "r3", "public", "true"));
    assertThat(agent.cpus()).isEqualTo(8.0);
    assertThat(agent.memMib()).isEqualTo(2048.0);
    assertThat(AgentSpec.parse("127.0.0.7").attributes()).isEmpty();
  }

  @Test
  void agentsMustBeLoopbackAddressesOfTheirOwn() {
    assertThatThrownBy(() -> AgentSpec.parse("10.0.0.5")).hasMessageContaining("loopback");
    assertThatThrownBy(() -> AgentSpec.parse("127.0.0.1"))
        .hasMessageContaining("other than 127.0.0.1");
    assertThatThrownBy(() -> AgentSpec.parse("127.0.0.5:rack")).hasMessageContaining("name=value");
  }

  @Test
  void defaultsSpreadOverLoopbackAddressesAndTwoRacks() {
    assertThat(AgentSpec.defaults(3))
        .extracting(AgentSpec::hostname)
        .containsExactly("127.0.0.2", "127.0.0.3", "127.0.0.4");
    assertThat(AgentSpec.defaults(2).get(1).attributes()).containsEntry("rack", "r2");
  }
}
