package io.gatehouse.discovery.marathon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class AppParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void hostNetworkingUsesPortDefinitionsAsServicePortsAndHostPortsAsEndpoints() throws Exception {
    MarathonApp app = read("host-1.5.json");

    assertThat(app.networkMode()).isEqualTo(NetworkMode.HOST);
    assertThat(app.ports()).extracting(PortSpec::servicePort).containsExactly(10010, 10011);
    assertThat(app.ports().get(1).protocol()).isEqualTo("udp");
    assertThat(app.tasks().get(0).endpoints())
        .extracting(Endpoint::toString)
        .containsExactly("agent-1.example:31001", "agent-1.example:31002");
    assertThat(app.labels()).containsEntry("FE-Proxy", "yes");
    assertThat(app.deploymentIds()).containsExactly("d-1");
  }

  @Test
  void withHealthChecksOnlyTasksWhoseChecksPassAreRoutableAndNoResultYetIsPending()
      throws Exception {
    MarathonApp app = read("host-1.5.json");

    assertThat(app.tasks())
        .extracting(MarathonTask::health)
        .containsExactly(Health.HEALTHY, Health.PENDING);
    assertThat(app.routableEndpoints(0))
        .extracting(Endpoint::toString)
        .containsExactly("agent-1.example:31001");
  }

  @Test
  void bridgeTasksAreReachedAtHostAndHostPortNotAtTheirBridgeIp() throws Exception {
    MarathonApp app = read("bridge-1.4.json");

    assertThat(app.networkMode()).isEqualTo(NetworkMode.BRIDGE);
    assertThat(app.ports().get(0).servicePort()).isEqualTo(10020);
    assertThat(app.ports().get(0).containerPort()).isEqualTo(80);
    MarathonTask task = app.tasks().get(0);
    assertThat(task.endpoints()).extracting(Endpoint::toString).containsExactly("10.0.1.5:31500");
    assertThat(task.state()).isEqualTo(TaskState.KILLING);
    assertThat(task.routable()).isFalse(); // killing: no new traffic
    assertThat(task.health()).isEqualTo(Health.NO_CHECKS);
  }

  @Test
  void ipPerTaskTasksAreReachedAtTheirIpAndContainerPortInBothDialects() throws Exception {
    MarathonApp modern = read("container-1.5.json");
    MarathonApp legacy = read("ip-per-task-1.4.json");

    assertThat(modern.networkMode()).isEqualTo(NetworkMode.CONTAINER);
    assertThat(modern.routableEndpoints(0))
        .extracting(Endpoint::toString)
        .containsExactly("9.0.3.7:5432");
    assertThat(legacy.networkMode()).isEqualTo(NetworkMode.CONTAINER);
    assertThat(legacy.ports().get(0).servicePort()).isEqualTo(10040);
    assertThat(legacy.routableEndpoints(0))
        .extracting(Endpoint::toString)
        .containsExactly("9.0.4.2:6379");
  }

  @Test
  void marathon09TasksWithoutStateCountAsRunningOnceStartedAndResultsKeyedByTaskIdWork()
      throws Exception {
    MarathonApp app = read("legacy-0.9.json");

    assertThat(app.ports().get(0).servicePort()).isEqualTo(10050);
    assertThat(app.tasks())
        .extracting(MarathonTask::state)
        .containsExactly(TaskState.RUNNING, TaskState.RUNNING, TaskState.STAGING);
    assertThat(app.tasks())
        .extracting(MarathonTask::health)
        .containsExactly(Health.HEALTHY, Health.UNHEALTHY, Health.PENDING);
    assertThat(app.routableEndpoints(0))
        .extracting(Endpoint::toString)
        .containsExactly("10.141.141.10:31045");
  }

  @Test
  void unknownTaskStatesAreUnknownAndGoingAwayStatesAreRecognised() {
    assertThat(TaskState.of("TASK_SOMETHING_NEW")).isEqualTo(TaskState.UNKNOWN);
    assertThat(TaskState.of(null)).isEqualTo(TaskState.UNKNOWN);
    assertThat(TaskState.of("TASK_UNREACHABLE").isGoingAway()).isTrue();
    assertThat(TaskState.of("TASK_RUNNING").isGoingAway()).isFalse();
  }

  private static MarathonApp read(String name) throws Exception {
    try (InputStream in = AppParserTest.class.getResourceAsStream("/marathon/" + name)) {
      return AppParser.parse(JSON.readTree(in));
    }
  }
}
