package io.gatehouse.sim;

import io.gatehouse.sim.mesos.AgentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line: {@code java -jar marathon-sim/target/marathon-sim.jar [options]}. */
@Command(
    name = "marathon-sim",
    mixinStandardHelpOptions = true,
    description = {
      "A Marathon 1.x API simulator (REST and /v2/events) with a Mesos master, whose tasks are real",
      "local processes and servers on loopback agents (127.0.0.2, 127.0.0.3, ...).",
      "Ctrl-C stops it and every task process it started."
    })
public final class MarathonSim implements Callable<Integer> {
  @Option(names = "--http_port", description = "Marathon's port (default: ${DEFAULT-VALUE})")
  int httpPort = 8080;

  @Option(
      names = "--mesos_port",
      description = "the Mesos master's port (default: ${DEFAULT-VALUE})")
  int mesosPort = 5050;

  @Option(
      names = "--agent_port",
      description =
          "the port each agent answers on at its own address, e.g. /monitor/statistics"
              + " (default: ${DEFAULT-VALUE}; 0 picks a free one)")
  int agentPort = 5051;

  @Option(names = "--hostname", description = "address to listen on (default: ${DEFAULT-VALUE})")
  String hostname = "127.0.0.1";

  @Option(
      names = "--agents",
      description = "simulated agents on 127.0.0.2, .3, ... (default: ${DEFAULT-VALUE})")
  int agents = 3;

  @Option(
      names = "--agent",
      description =
          "an agent HOST[:attr=value,...,cpus=N,mem=MiB], e.g. 127.0.0.9:rack=r3; repeatable, replaces --agents")
  List<String> agentSpecs = new ArrayList<>();

  @Option(
      names = "--http_credentials",
      description = "user:password for HTTP Basic auth, as Marathon's flag")
  String credentials;

  @Option(
      names = "--secrets-token-env",
      description =
          "the environment variable holding the token of the secret store's API (DC/OS Secrets"
              + " API on the master's port); unset, the API is off (default: ${DEFAULT-VALUE})")
  String secretsTokenEnv = "MARATHON_SIM_SECRETS_TOKEN";

  @Option(
      names = "--fixed-tasks",
      description = "test mode: tasks are endpoints with nothing running")
  boolean fixedTasks;

  @Option(
      names = "--image",
      description = "image=stand-in (http, tcp-echo or cmd:<command>); repeatable")
  Map<String, String> images = new HashMap<>();

  @Option(names = "--host-ports", description = "agent host port range (default: ${DEFAULT-VALUE})")
  String hostPorts = "31000-32000";

  @Option(names = "--service-ports", description = "service port range (default: ${DEFAULT-VALUE})")
  String servicePorts = "10000-20000";

  @Option(names = "--sandboxes", description = "task working folders (default: a temporary folder)")
  Path sandboxes;

  @Override
  public Integer call() throws Exception {
    Map<String, String> allImages = new HashMap<>(SimulatorConfig.DEFAULT_IMAGES);
    allImages.putAll(images);
    SimulatorConfig config =
        new SimulatorConfig(
            hostname,
            httpPort,
            mesosPort,
            agentPort,
            agentSpecs.isEmpty()
                ? AgentSpec.defaults(agents)
                : agentSpecs.stream().map(MarathonSim::agent).toList(),
            credentials,
            System.getenv(secretsTokenEnv),
            fixedTasks,
            range(hostPorts, "--host-ports"),
            range(servicePorts, "--service-ports"),
            allImages,
            Map.of(),
            sandboxes != null ? sandboxes : Files.createTempDirectory("marathon-sim-"),
            Duration.ofSeconds(10),
            1024,
            Clock.systemUTC());
    Simulator simulator = Simulator.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  simulator.close();
                  stopped.countDown();
                }));
    System.out.printf(
        "marathon-sim: Marathon at %s, Mesos master at %s, agents %s%n",
        simulator.marathonUrl(),
        simulator.mesosUrl(),
        simulator.agents().stream().map(a -> a.hostname()).toList());
    stopped.await();
    return 0;
  }

  private static AgentSpec agent(String text) {
    try {
      return AgentSpec.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          new CommandLine(new MarathonSim()), "--agent " + e.getMessage());
    }
  }

  private static int[] range(String text, String option) {
    String[] parts = text.split("-");
    try {
      int[] range = {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
      if (parts.length != 2 || range[0] < 1 || range[1] > 65535 || range[0] > range[1]) {
        throw new NumberFormatException();
      }
      return range;
    } catch (RuntimeException e) {
      throw new CommandLine.ParameterException(
          new CommandLine(new MarathonSim()),
          option + " must be FIRST-LAST within 1-65535, not " + text);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new MarathonSim()).execute(args));
  }
}
