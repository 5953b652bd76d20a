package io.gatehouse.sim.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A built-in task ends as a process does: a stopped task's open connections close too. */
class BuiltinTaskRunnerTest {
  private final BuiltinTaskRunner runner = new BuiltinTaskRunner(BuiltinTaskRunner.Kind.HTTP);

  @AfterEach
  void stopAll() {
    runner.stopAll();
  }

  @Test
  void aStoppedTaskClosesItsKeptAliveConnections() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    RunningTask task =
        runner.start(
            new TaskSpec("web.1", "127.0.0.1", List.of(port), null, "nginx", Map.of()), code -> {});
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buffer = new byte[4096];
      StringBuilder response = new StringBuilder(); // the whole response, however it is split
      while (!response.toString().endsWith("task web.1 at 127.0.0.1:" + port + "\n")) {
        int n = in.read(buffer);
        assertThat(n).as("the response so far: %s", response).isPositive();
        response.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
      }
      assertThat(response.toString()).startsWith("HTTP/1.1 200"); // the connection is kept alive

      task.stop(Duration.ofSeconds(1));

      assertThat(in.read(buffer)).isEqualTo(-1); // closed by the task's end, not left answering
    }
  }
}
