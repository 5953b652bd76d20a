package io.gatehouse.sim;

import io.gatehouse.sim.mesos.AgentSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a simulator is set up.
 *
 * @param bindAddress address the Marathon and Mesos endpoints listen on
 * @param marathonPort Marathon's port (8080 like Marathon; 0 picks a free one)
 * @param mesosPort the Mesos master's port (5050; 0 picks a free one)
 * @param agentPort the port every agent answers on at its own address (5051 like Mesos; 0 picks one
 *     free)
 * @param agents the simulated agents
 * @param credentials "user:password" for HTTP Basic auth, or null for none
 * @param secretsToken the token the secret store's API asks for ({@code Authorization: token=…});
 *     null turns the API off
 * @param fixedTasks the test mode: tasks are endpoints with nothing running behind them
 * @param hostPorts the host port range of every agent
 * @param servicePorts the service port range (Marathon's local_port_min/max)
 * @param images container image name (without tag) to stand-in: "http", "tcp-echo" or
 *     "cmd:&lt;command&gt;"
 * @param privateRegistries registry host (e.g. "registry.example:5000") to the "user:password" it
 *     asks for: a task of an image from it starts only when its app pulls with those credentials
 *     (the Mesos containerizer's {@code container.docker.pullConfig}, a Docker config secret)
 * @param sandboxes where process tasks get their working folders
 * @param heartbeat event stream keep-alive interval
 * @param maxOutstandingEvents events a stream consumer may lag before it is dropped
 * @param clock time source
 */
public record SimulatorConfig(
    String bindAddress,
    int marathonPort,
    int mesosPort,
    int agentPort,
    List<AgentSpec> agents,
    String credentials,
    String secretsToken,
    boolean fixedTasks,
    int[] hostPorts,
    int[] servicePorts,
    Map<String, String> images,
    Map<String, String> privateRegistries,
    Path sandboxes,
    Duration heartbeat,
    int maxOutstandingEvents,
    Clock clock) {

  /** The stand-ins for the images the Avi guides and common examples use. */
  public static final Map<String, String> DEFAULT_IMAGES =
      Map.of(
          "avinetworks/server", "http",
          "nginx", "http",
          "httpd", "http",
          "mongodb", "tcp-echo",
          "mongo", "tcp-echo",
          "redis", "tcp-echo");

  /** The secret store's token in {@link #forTests}. */
  public static final String TEST_SECRETS_TOKEN = "sim-secrets-token";

  /** A configuration for tests: free ports, two agents, fixed endpoints, quick heartbeats. */
  public static SimulatorConfig forTests(boolean fixedTasks, Path sandboxes) {
    return new SimulatorConfig(
        "127.0.0.1",
        0,
        0,
        0,
        AgentSpec.defaults(2),
        null,
        TEST_SECRETS_TOKEN,
        fixedTasks,
        new int[] {31000, 32000},
        new int[] {10000, 20000},
        DEFAULT_IMAGES,
        Map.of(),
        sandboxes,
        Duration.ofSeconds(1),
        1024,
        Clock.systemUTC());
  }

  /** The same configuration on fixed ports (0 picks a free one). */
  public SimulatorConfig withPorts(int marathon, int mesos) {
    return new SimulatorConfig(
        bindAddress,
        marathon,
        mesos,
        agentPort,
        agents,
        credentials,
        secretsToken,
        fixedTasks,
        hostPorts,
        servicePorts,
        images,
        privateRegistries,
        sandboxes,
        heartbeat,
        maxOutstandingEvents,
        clock);
  }

  /** The same configuration with Basic auth. */
  public SimulatorConfig withCredentials(String userPassword) {
    return new SimulatorConfig(
        bindAddress,
        marathonPort,
        mesosPort,
        agentPort,
        agents,
        userPassword,
        secretsToken,
        fixedTasks,
        hostPorts,
        servicePorts,
        images,
        privateRegistries,
        sandboxes,
        heartbeat,
        maxOutstandingEvents,
        clock);
  }

  /**
   * The same configuration with a private registry at {@code registry} asking {@code user:pass}.
   */
  public SimulatorConfig withPrivateRegistry(String registry, String userPassword) {
    Map<String, String> registries = new TreeMap<>(privateRegistries);
    registries.put(registry, userPassword);
    return new SimulatorConfig(
        bindAddress,
        marathonPort,
        mesosPort,
        agentPort,
        agents,
        credentials,
        secretsToken,
        fixedTasks,
        hostPorts,
        servicePorts,
        images,
        Map.copyOf(registries),
        sandboxes,
        heartbeat,
        maxOutstandingEvents,
        clock);
  }
}
