package io.gatehouse.semanager.driver.local;

import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.ManagerAddress;
import io.gatehouse.semanager.driver.NodeDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs engines as processes on the manager's own machine, one per node: the embedded default of the
 * one-command run, where the nodes are marathon-sim's loopback agents. Each engine binds its
 * east-west listeners and its admin port on its node's address, so engines of different nodes never
 * collide. The command runs under {@code /bin/sh -c "exec ..."} (so stopping signals the engine
 * itself), with its own credential in its environment, its output in {@code <work-dir>/<se>.log}
 * and its pid in {@code <work-dir>/<se>.pid}.
 *
 * <p>Engines outlive the manager, as they do under every other driver: a manager that stops or
 * restarts leaves traffic flowing, and a manager that starts again finds its engines by their pid
 * files instead of starting second ones.
 */
public final class LocalDriver implements NodeDriver {
  private static final Logger log = LoggerFactory.getLogger(LocalDriver.class);

  /** The command of an engine when neither the group nor the settings give one. */
  public static final String DEFAULT_COMMAND =
      "{java} -Xmx128m -jar {engine_jar} --control={manager} {control_tls} --se-id={se_id} --se-group={group}"
          + " --node-id={node} --hostname={hostname} --admin={address}:9180"
          + " --state-dir={work_dir}/{se_id}";

  /**
   * @param command the engine command template (see {@link EngineSpec#expand}; also {@code
   *     {engine_jar}}, {@code {work_dir}} and {@code {java}}, the manager's own java); a group's
   *     own command replaces it
   * @param engineJar the service engine's jar
   * @param workDir where engines keep their logs and state
   * @param manager how engines reach se-manager: its address and how they trust it
   * @param credentials the credential each engine is deployed with; passed as GATEHOUSE_SE_TOKEN
   */
  public record Settings(
      String command,
      Path engineJar,
      Path workDir,
      ManagerAddress manager,
      Function<EngineSpec, String> credentials) {}

  private final Settings settings;
  private volatile Consumer<String> onExit = seId -> {};
  private final Map<String, ProcessHandle> processes = new ConcurrentHashMap<>();
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
    Path logFile = settings.workDir().resolve(fileName(engine.seId()) + ".log");
    try {
      Files.createDirectories(settings.workDir());
      ProcessBuilder builder =
          new ProcessBuilder(List.of("/bin/sh", "-c", "exec " + command))
              .directory(settings.workDir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      if (settings.credentials() != null) {
        builder.environment().put("GATEHOUSE_SE_TOKEN", settings.credentials().apply(engine));
      }
      Process process = builder.start();
      Files.writeString(pidFile(engine.seId()), Long.toString(process.pid()));
      watch(engine.seId(), process.toHandle());
      log.info("engine {} started (pid {}); output in {}", engine.seId(), process.pid(), logFile);
    } catch (IOException e) {
      throw new DriverException("could not start `" + command + "`: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void stop(EngineSpec engine) throws DriverException {
    ProcessHandle process = find(engine.seId());
    processes.remove(engine.seId());
    if (process != null) {
      terminate(process);
      log.info("engine {} stopped", engine.seId());
    }
    try {
      Files.deleteIfExists(pidFile(engine.seId()));
    } catch (IOException e) {
      log.warn("engine {}: could not remove its pid file: {}", engine.seId(), e.getMessage());
    }
  }

  @Override
  public boolean running(EngineSpec engine) {
    return find(engine.seId()) != null;
  }

  /** Forgets the engines, which keep running: a manager that starts again finds them. */
  @Override
  public void close() {
    closing = true;
    processes.clear();
  }

  /**
   * The live process of engine {@code seId}: one this driver started, or one a previous manager
   * started, by its pid file (when that pid is still an engine of that id, not a reused pid).
   */
  private ProcessHandle find(String seId) {
    ProcessHandle known = processes.get(seId);
    if (known != null && known.isAlive()) {
      return known;
    }
    ProcessHandle adopted;
    try {
      adopted =
          ProcessHandle.of(Long.parseLong(Files.readString(pidFile(seId)).trim()))
              .filter(ProcessHandle::isAlive)
              .filter(p -> p.info().commandLine().orElse("").contains(seId))
              .orElse(null);
    } catch (IOException | NumberFormatException noEngine) {
      return null;
    }
    if (adopted != null && !adopted.equals(known)) {
      log.info("engine {} found running (pid {})", seId, adopted.pid());
      watch(seId, adopted);
    }
    return adopted;
  }

  private void watch(String seId, ProcessHandle process) {
    processes.put(seId, process);
    process
        .onExit()
        .thenAccept(
            p -> {
              if (processes.remove(seId, p) && !closing) {
                log.warn("engine {} exited", seId);
                onExit.accept(seId);
              }
            });
  }

  /**
   * An engine id as a file name in the work directory: characters other than letters, digits,
   * {@code @ . _ -} become {@code _}, so that no id names a path elsewhere.
   */
  static String fileName(String seId) {
    String name = seId.replaceAll("[^A-Za-z0-9@._-]", "_");
    return name.replace("..", "__");
  }

  private Path pidFile(String seId) {
    return settings.workDir().resolve(fileName(seId) + ".pid");
  }

  private static void terminate(ProcessHandle process) {
    process.destroy();
    try {
      process.onExit().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
