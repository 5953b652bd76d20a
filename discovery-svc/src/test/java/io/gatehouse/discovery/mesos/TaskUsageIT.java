package io.gatehouse.discovery.mesos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.sim.Simulator;
import io.gatehouse.sim.SimulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The poller reads what tasks use from each agent of a simulated cluster whose tasks are real
 * processes: a task that spins shows about one CPU used, one that sleeps about none.
 */
class TaskUsageIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newHttpClient();
  private Simulator sim;
  private MesosPoller poller;
  private final AgentModel model = new AgentModel();

  @BeforeEach
  void start() throws Exception {
    sim = Simulator.start(SimulatorConfig.forTests(false, Files.createTempDirectory("usage-it")));
    poller =
        new MesosPoller(
            new MesosClient(sim.mesosUrl(), Duration.ofSeconds(5)), model, Duration.ofMillis(500));
  }

  @AfterEach
  void stop() {
    poller.close();
    sim.close();
  }

  @Test
  void aSpinningTaskUsesAboutACpuAndASleepingOneNone() throws Exception {
    post("{\"id\": \"/spin\", \"cmd\": \"while :; do :; done\", \"cpus\": 0.5, \"mem\": 32}");
    post("{\"id\": \"/nap\", \"cmd\": \"sleep 600\", \"cpus\": 0.25, \"mem\": 32}");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(usageOf("spin.")).as("the spinning task's usage").isPresent();
              assertThat(usageOf("nap.")).as("the sleeping task's usage").isPresent();
              TaskUsage spin = usageOf("spin.").get();
              TaskUsage nap = usageOf("nap.").get();
              assertThat(spin.cpusUsed()).isNotNull().isGreaterThan(0.5);
              assertThat(nap.cpusUsed()).isNotNull().isLessThan(0.1);
              assertThat(spin.cpusLimit()).isEqualTo(0.6); // the task's 0.5 and its executor's
              assertThat(nap.memLimitMib()).isGreaterThanOrEqualTo(32);
            });
  }

  private Optional<TaskUsage> usageOf(String taskIdPrefix) {
    return model.snapshot().agents().values().stream()
        .flatMap(a -> a.tasks().stream())
        .filter(t -> t.taskId().startsWith(taskIdPrefix))
        .findFirst();
  }

  private void post(String app) throws Exception {
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(URI.create(sim.marathonUrl() + "/v2/apps"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(app))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }
}
