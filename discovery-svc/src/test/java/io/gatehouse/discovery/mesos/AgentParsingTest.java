package io.gatehouse.discovery.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An agent of the master's state is taken only when what it calls itself is a host name. */
class AgentParsingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String slave(String id, String hostname, String pid) {
    return JSON.createObjectNode()
        .put("id", id)
        .put("hostname", hostname)
        .put("pid", pid)
        .toString();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "S0|agent-1|slave(1)@10.0.0.5:5051|true",
        "S0|10.0.0.5|slave(1)@10.0.0.5:5051|true",
        "S0|a;touch x|slave(1)@10.0.0.5:5051|false",
        "S0|agent-1|slave(1)@$(id):5051|false",
        "S0|agent-1|slave(1)@10.0.0.5:99999999999|false",
        "../../etc|agent-1|slave(1)@10.0.0.5:5051|false",
        "S0|agent-1|slave(1)@10.0.0.5:0|false"
      })
  void anAgentIsTakenOnlyWithAHostNameAnAddressAnIdAndAPort(
      String id, String hostname, String pid, boolean taken) throws Exception {
    Agent agent = MesosClient.parse(JSON.readTree(slave(id, hostname, pid)));

    assertThat(agent != null).isEqualTo(taken);
  }
}
