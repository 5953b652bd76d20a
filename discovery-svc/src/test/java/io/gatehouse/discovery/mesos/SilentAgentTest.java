package io.gatehouse.discovery.mesos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An agent that does not answer has no task usage; the other agents' usage is still read. */
class SilentAgentTest {
  private HttpServer master;
  private MesosPoller poller;

  @AfterEach
  void stop() {
    if (poller != null) {
      poller.close();
    }
    master.stop(0);
  }

  @Test
  void anAgentThatDoesNotAnswerLeavesTheOthersUsageAlone() throws IOException {
    int silent;
    try (ServerSocket closed = new ServerSocket(0)) {
      silent = closed.getLocalPort(); // nothing listens there once closed
    }
    master = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    int port = master.getAddress().getPort();
    String slaves =
        """
        {"slaves": [
          {"id": "S0", "hostname": "a", "pid": "slave(1)@127.0.0.1:%d", "active": true},
          {"id": "S1", "hostname": "b", "pid": "slave(1)@127.0.0.1:%d", "active": true}]}
        """
            .formatted(silent, port);
    String statistics =
        """
        [{"executor_id": "web.1", "source": "web.1", "framework_id": "f",
          "statistics": {"cpus_limit": 1.1, "cpus_user_time_secs": 2.0,
            "cpus_system_time_secs": 0.5, "mem_limit_bytes": 67108864,
            "mem_rss_bytes": 1048576, "timestamp": 1700000000.0}}]
        """;
    serve("/master/slaves", slaves);
    serve("/monitor/statistics", statistics);
    master.start();
    AgentModel model = new AgentModel();
    poller =
        new MesosPoller(
            new MesosClient("http://127.0.0.1:" + port, Duration.ofSeconds(2)),
            model,
            Duration.ofMillis(200));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> model.snapshot().agents().size() == 2 && poller.lastSync() != null);
    assertThat(model.snapshot().agents().get("S0").tasks()).isEmpty();
    assertThat(model.snapshot().agents().get("S1").tasks())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.taskId()).isEqualTo("web.1");
              assertThat(t.cpusLimit()).isEqualTo(1.1);
              assertThat(t.memLimitMib()).isEqualTo(64);
              assertThat(t.cpusUsed()).as("the same sample twice: no time passed").isNull();
            });
  }

  private void serve(String path, String body) {
    master.createContext(
        path,
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
  }
}
