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

  /** Every agent of the recorded masters' answers (Mesos 0.19 to 1.x, DC/OS) is taken, as it is. */
  @org.junit.jupiter.api.Test
  void everyRecordedAgentIsTakenWithItsNameAndAddress() throws Exception {
    java.nio.file.Path mesos = io.gatehouse.testsupport.SharedFixtures.require("mesos");
    java.util.List<String> seen = new java.util.ArrayList<>();
    for (String file :
        java.util.List.of(
            "master-state-0.19-mesos-dns-test-fixture.json",
            "master-state-summary-dcos-ui-test-fixture.json",
            "composed/master-slaves-1.x.json")) {
      for (var slave : JSON.readTree(mesos.resolve(file).toFile()).path("slaves")) {
        Agent agent = MesosClient.parse(slave);
        assertThat(agent).as(file + ": " + slave.path("id").asText()).isNotNull();
        assertThat(agent.hostname()).isEqualTo(slave.path("hostname").asText());
        seen.add(agent.address());
      }
    }
    assertThat(seen).contains("2001:db8::1", "172.17.8.101", "10.0.2.149", "1.2.3.10").hasSize(10);
  }
}
