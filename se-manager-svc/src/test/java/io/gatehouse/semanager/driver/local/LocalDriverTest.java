package io.gatehouse.semanager.driver.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.ManagerAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local engines are real processes that outlive the manager and are found again after it. */
class LocalDriverTest {
  @TempDir Path workDir;

  /** An "engine" that waits: a shell whose command line names the engine, as a real one does. */
  private final EngineSpec engine =
      new EngineSpec(
          "default@agent-1",
          "agent-1",
          "agent-1",
          "127.0.0.1",
          ServiceEngineGroup.newBuilder()
              .setMeta(ObjectMeta.newBuilder().setName("default"))
              .setImage(
                  io.gatehouse.api.policy.v1.ServiceEngineImage.newBuilder()
                      .setCommand("sh -c 'sleep 300; exit 0' {se_id}"))
              .build());

  private LocalDriver driver() {
    return new LocalDriver(
        new LocalDriver.Settings(
            "unused",
            Path.of("unused.jar"),
            workDir,
            ManagerAddress.plaintext("127.0.0.1:1"),
            null));
  }

  @AfterEach
  void stopEngine() throws Exception {
    driver().stop(engine);
  }

  @Test
  void anEngineOutlivesItsManagerAndTheNextManagerAdoptsItInsteadOfStartingAnother()
      throws Exception {
    LocalDriver first = driver();
    first.start(engine);
    long pid = Long.parseLong(Files.readString(workDir.resolve("default@agent-1.pid")));
    assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

    first.close(); // the manager stops
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

    LocalDriver second = driver();
    List<String> exited = new CopyOnWriteArrayList<>();
    second.onExit(exited::add);
    assertThat(second.running(engine)).isTrue();
    second.start(engine); // already running: nothing started
    assertThat(Files.readString(workDir.resolve("default@agent-1.pid")))
        .isEqualTo(Long.toString(pid));

    ProcessHandle.of(pid)
        .orElseThrow()
        .destroy(); // the adopted engine dies: the manager hears of it
    await().atMost(Duration.ofSeconds(30)).until(() -> exited.contains("default@agent-1"));
    assertThat(second.running(engine)).isFalse();
  }

  @Test
  void anAgentNamedToRunACommandRunsNothing() throws Exception {
    EngineSpec hostile =
        new EngineSpec(
            "default@a;touch x",
            "$(touch y)",
            "a;touch x",
            "127.0.0.1",
            ServiceEngineGroup.newBuilder()
                .setMeta(ObjectMeta.newBuilder().setName("default"))
                .setImage(
                    io.gatehouse.api.policy.v1.ServiceEngineImage.newBuilder()
                        .setCommand("touch {hostname} {node}"))
                .build());
    LocalDriver driver = driver();
    List<String> exited = new CopyOnWriteArrayList<>();
    driver.onExit(exited::add);

    driver.start(hostile); // the real /bin/sh -c, as every local engine runs

    await().atMost(Duration.ofSeconds(30)).until(() -> exited.contains("default@a;touch x"));
    assertThat(workDir.resolve("a;touch x")).exists(); // one word: the name, as a file name
    assertThat(workDir.resolve("$(touch y)")).exists();
    assertThat(workDir.resolve("x")).doesNotExist();
    assertThat(workDir.resolve("y")).doesNotExist();
  }

  @Test
  void stopEndsTheEngineAndForgetsIt() throws Exception {
    LocalDriver driver = driver();
    driver.start(engine);
    long pid = Long.parseLong(Files.readString(workDir.resolve("default@agent-1.pid")));

    driver.stop(engine);

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(workDir.resolve("default@agent-1.pid")).doesNotExist();
    assertThat(driver().running(engine)).isFalse();
  }

  @Test
  void aPidFileOfAnotherProcessIsNotAnEngine() throws Exception {
    Files.writeString(
        workDir.resolve("default@agent-1.pid"), Long.toString(ProcessHandle.current().pid()));

    assertThat(driver().running(engine)).isFalse(); // this test's JVM does not name the engine
  }

  @Test
  void aNodeNamedLikeAShellCommandRunsNothing() throws Exception {
    EngineSpec hostile =
        new EngineSpec(
            "default@a;touch x",
            "$(touch y)",
            "a;touch x",
            "127.0.0.1",
            ServiceEngineGroup.newBuilder()
                .setMeta(ObjectMeta.newBuilder().setName("default"))
                .setImage(
                    io.gatehouse.api.policy.v1.ServiceEngineImage.newBuilder()
                        .setCommand("echo {hostname} {node} {se_id}"))
                .build());
    LocalDriver driver = driver();
    List<String> exited = new CopyOnWriteArrayList<>();
    driver.onExit(exited::add);

    driver.start(hostile);

    await().atMost(Duration.ofSeconds(30)).until(() -> exited.contains("default@a;touch x"));
    assertThat(workDir.resolve("x")).doesNotExist();
    assertThat(workDir.resolve("y")).doesNotExist();
    assertThat(Files.readString(workDir.resolve("default@a_touch_x.log")))
        .isEqualTo("a;touch x $(touch y) default@a;touch x\n");
  }
}
