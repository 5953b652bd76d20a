package io.gatehouse.semanager.driver.local;

import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.NodeDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs engines as child processes on the manager's own machine, one per node: the embedded default
 * of the one-command run, where the nodes are marathon-sim's loopback agents. Each engine binds its
 * east-west listeners and its admin port on its node's address, so engines of different nodes never
 * collide. The command runs under {@code /bin/sh -c "exec ..."} (so stopping signals the engine
 * itself), with the engine token in its environment and its output in {@code <work-dir>/<se>.log}.
 * Engines stop with the manager.
 */
public final class LocalDriver implements NodeDriver {
  private static final Logger log = LoggerFactory.getLogger(LocalDriver.class);

  /** The command of an engine when neither the group nor the settings give one. */
  public static final String DEFAULT_COMMAND =
      "{java} -Xmx128m -jar {engine_jar} --control={manager} --se-id={se_id} --se-group={group}"
          + " --node-id={node} --hostname={hostname} --admin={address}:9180"
          + " --state-dir={work_dir}/{se_id}";

  /**
   * @param command the engine command template (see {@link EngineSpec#expand}; also {@code
   *     {engine_jar}}, {@code {work_dir}} and {@code {java}}, the manager's own java); a group's
   *     own command replaces it
   * @param engineJar the service engine's jar
   * @param workDir where engines keep their logs and state
   * @param manager se-manager's gRPC address as engines reach it
   * @param engineToken the token engines connect with; passed as GATEHOUSE_SE_TOKEN
   */
  public record Settings(
      String command, Path engineJar, Path workDir, String manager, String engineToken) {}

  private final Settings settings;
  private volatile Consumer<String> onExit = seId -> {};
  private final Map<String, Process> processes = new ConcurrentHashMap<>();
  private volatile boolean closing;

  public LocalDriver(Settings settings) {
    this.settings = settings;
  }

  /** Tells {@code listener} the id of every engine whose process ends without being stopped. */
  public LocalDriver onExit(Consumer<String> listener) {
    this.onExit = listener;
    return this;
  }

  @Override
  public String method() {
    return "local";
  }

  @Override
  public synchronized void start(EngineSpec engine) throws DriverException {
    if (running(engine)) {
      return;
    }
    String template =
        engine.group().getImage().getCommand().isBlank()
            ? settings.command()
            : engine.group().getImage().getCommand();
    String command =
        engine.expand(
            template,
            settings.manager(),
            Map.of(
                "engine_jar", String.valueOf(settings.engineJar()),
                "work_dir", settings.workDir().toString(),
                "java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    Path logFile = settings.workDir().resolve(engine.seId() + ".log");
    try {
      Files.createDirectories(settings.workDir());
      ProcessBuilder builder =
          new ProcessBuilder(List.of("/bin/sh", "-c", "exec " + command))
              .directory(settings.workDir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      if (settings.engineToken() != null) {
        builder.environment().put("GATEHOUSE_SE_TOKEN", settings.engineToken());
      }
      Process process = builder.start();
      processes.put(engine.seId(), process);
      log.info("engine {} started (pid {}); output in {}", engine.seId(), process.pid(), logFile);
      process
          .onExit()
          .thenAccept(
              p -> {
                if (processes.remove(engine.seId(), p) && !closing) {
                  log.warn("engine {} exited with status {}", engine.seId(), p.exitValue());
                  onExit.accept(engine.seId());
                }
              });
    } catch (IOException e) {
      throw new DriverException("could not start `" + command + "`: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void stop(EngineSpec engine) throws DriverException {
    Process process = processes.remove(engine.seId());
    if (process != null) {
      terminate(process);
      log.info("engine {} stopped", engine.seId());
    }
  }

  @Override
  public boolean running(EngineSpec engine) {
    Process process = processes.get(engine.seId());
    return process != null && process.isAlive();
  }

  /** Stops every engine this driver started. */
  @Override
  public void close() {
    closing = true;
    processes.values().forEach(LocalDriver::terminate);
    processes.clear();
  }

  private static void terminate(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
