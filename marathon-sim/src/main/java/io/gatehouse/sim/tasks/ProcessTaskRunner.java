package io.gatehouse.sim.tasks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task's command with {@code /bin/sh -c} in a sandbox folder of its own (stdout and stderr
 * go to files there, as on a Mesos agent). Stopping sends SIGTERM to the process and every
 * descendant, then SIGKILL after the grace period, so no process outlives its task.
 */
public final class ProcessTaskRunner implements TaskRunner {
  private static final Logger log = LoggerFactory.getLogger(ProcessTaskRunner.class);

  private final Path sandboxes;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private volatile boolean stoppingAll;

  public ProcessTaskRunner(Path sandboxes) {
    this.sandboxes = sandboxes;
  }

  @Override
  public RunningTask start(TaskSpec spec, IntConsumer onExit) throws IOException {
    Path sandbox = Files.createDirectories(sandboxes.resolve(spec.taskId()));
    ProcessBuilder builder =
        new ProcessBuilder("/bin/sh", "-c", spec.cmd())
            .directory(sandbox.toFile())
            .redirectOutput(sandbox.resolve("stdout").toFile())
            .redirectError(sandbox.resolve("stderr").toFile());
    builder.environment().putAll(spec.env());
    builder.environment().put("MESOS_SANDBOX", sandbox.toString());
    Process process;
    synchronized (running) { // a launch racing stopAll would leave its process behind
      if (stoppingAll) {
        throw new IOException("the agent is stopping: task " + spec.taskId() + " not started");
      }
      process = builder.start();
      running.add(process);
    }
    Handle handle = new Handle(process);
    process
        .onExit()
        .thenAccept(
            p -> {
              running.remove(p);
              if (!handle.stopping && !stoppingAll) {
                onExit.accept(p.exitValue());
              }
            });
    log.info("task {} started as process {}: {}", spec.taskId(), process.pid(), spec.cmd());
    return handle;
  }

  /**
   * Stops every task at once: all are signalled first, then waited for (2 s, then killed), and none
   * is reported as ended, so nothing is launched again meanwhile.
   */
  @Override
  public void stopAll() {
    Set<Process> all;
    synchronized (running) {
      stoppingAll = true;
      all = Set.copyOf(running);
    }
    for (Process process : all) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }
    for (Process process : all) {
      new Handle(process).stop(Duration.ofSeconds(2));
      if (!process.isAlive()) {
        synchronized (running) {
          running.remove(process); // now, not when its exit callback gets to run
        }
      }
    }
  }

  /** Running processes, for tests that check nothing is left behind. */
  public Set<Long> pids() {
    Set<Long> pids = ConcurrentHashMap.newKeySet();
    running.forEach(p -> pids.add(p.pid()));
    return pids;
  }

  private static final class Handle implements RunningTask {
    private final Process process;
    private volatile boolean stopping;

    Handle(Process process) {
      this.process = process;
    }

    @Override
    public void stop(Duration grace) {
      stopping = true;
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(Math.max(grace.toMillis(), 1), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }

    /** The process's CPU time and its descendants' (a shell's children), as the OS counts it. */
    @Override
    public Duration cpuTime() {
      Duration own = process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
      return process
          .descendants()
          .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
          .reduce(own, Duration::plus);
    }
  }
}
