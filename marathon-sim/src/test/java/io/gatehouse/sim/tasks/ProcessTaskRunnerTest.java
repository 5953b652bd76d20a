package io.gatehouse.sim.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks as processes: stopping the agent leaves none behind, even one launched meanwhile. */
class ProcessTaskRunnerTest {
  @TempDir Path sandboxes;

  private static TaskSpec sleeper(String id) {
    return new TaskSpec(id, "127.0.0.1", List.of(), "sleep 600", null, Map.of());
  }

  @Test
  void stopAllEndsEveryTaskAndRefusesToStartMore() throws Exception {
    ProcessTaskRunner runner = new ProcessTaskRunner(sandboxes);
    runner.start(sleeper("a.1"), code -> {});
    List<ProcessHandle> started =
        runner.pids().stream().map(ProcessHandle::of).flatMap(java.util.Optional::stream).toList();
    assertThat(started).hasSize(1);

    runner.stopAll();

    assertThat(started).noneMatch(ProcessHandle::isAlive);
    // a launch that comes after the stop (a scale-out deployment still running) starts nothing
    assertThatThrownBy(() -> runner.start(sleeper("a.2"), code -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("stopping");
    assertThat(runner.pids()).isEmpty();
    assertThat(Files.exists(sandboxes.resolve("a.2").resolve("stdout"))).isFalse();
  }
}
