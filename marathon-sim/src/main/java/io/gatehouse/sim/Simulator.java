package io.gatehouse.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.events.EventBus;
import io.gatehouse.sim.events.EventStream;
import io.gatehouse.sim.health.AssumedHealth;
import io.gatehouse.sim.health.HealthChecker;
import io.gatehouse.sim.http.HttpServer;
import io.gatehouse.sim.http.Router;
import io.gatehouse.sim.marathon.AppsApi;
import io.gatehouse.sim.marathon.Marathon;
import io.gatehouse.sim.marathon.TaskLauncher;
import io.gatehouse.sim.mesos.Agent;
import io.gatehouse.sim.mesos.AgentSpec;
import io.gatehouse.sim.mesos.MesosApi;
import io.gatehouse.sim.secrets.SecretStore;
import io.gatehouse.sim.tasks.BuiltinTaskRunner;
import io.gatehouse.sim.tasks.FixedTaskRunner;
import io.gatehouse.sim.tasks.ProcessTaskRunner;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A running simulator: Marathon's API, its event stream, the Mesos master, and the tasks. */
public final class Simulator implements AutoCloseable {
  private final Marathon marathon;
  private final HttpServer marathonServer;
  private final HttpServer mesosServer;
  private final List<HttpServer> agentServers;
  private final ProcessTaskRunner processes;
  private final List<BuiltinTaskRunner> builtins;
  private final HealthChecker checker;
  private final ScheduledExecutorService timer;
  private final List<Agent> agents;
  private final String credentials;

  private Simulator(
      Marathon marathon,
      HttpServer marathonServer,
      HttpServer mesosServer,
      List<HttpServer> agentServers,
      ProcessTaskRunner processes,
      List<BuiltinTaskRunner> builtins,
      HealthChecker checker,
      ScheduledExecutorService timer,
      List<Agent> agents,
      String credentials) {
    this.credentials = credentials;
    this.marathon = marathon;
    this.marathonServer = marathonServer;
    this.mesosServer = mesosServer;
    this.agentServers = agentServers;
    this.processes = processes;
    this.builtins = builtins;
    this.checker = checker;
    this.timer = timer;
    this.agents = agents;
  }

  /** Starts a simulator. */
  public static Simulator start(SimulatorConfig config) throws InterruptedException {
    String frameworkId = UUID.nameUUIDFromBytes("gatehouse-marathon-sim".getBytes()) + "-0000";
    List<Agent> agents = new ArrayList<>();
    double registered = config.clock().instant().toEpochMilli() / 1000.0;
    for (int i = 0; i < config.agents().size(); i++) {
      AgentSpec spec = config.agents().get(i);
      agents.add(
          new Agent(
              frameworkId.replace("-0000", "") + "-S" + i,
              spec.hostname(),
              spec.attributes(),
              spec.cpus(),
              spec.memMib(),
              registered));
    }
    ProcessTaskRunner processes = new ProcessTaskRunner(config.sandboxes());
    BuiltinTaskRunner http = new BuiltinTaskRunner(BuiltinTaskRunner.Kind.HTTP);
    BuiltinTaskRunner echo = new BuiltinTaskRunner(BuiltinTaskRunner.Kind.TCP_ECHO);
    Map<String, TaskLauncher.ImageMapping> images = new HashMap<>();
    config
        .images()
        .forEach(
            (image, standIn) ->
                images.put(
                    image,
                    switch (standIn) {
                      case "http" -> new TaskLauncher.ImageMapping(http, null);
                      case "tcp-echo" -> new TaskLauncher.ImageMapping(echo, null);
                      default -> {
                        if (!standIn.startsWith("cmd:")) {
                          throw new IllegalArgumentException(
                              "image "
                                  + image
                                  + ": stand-in must be http, tcp-echo or cmd:<command>, not "
                                  + standIn);
                        }
                        yield new TaskLauncher.ImageMapping(processes, standIn.substring(4));
                      }
                    }));
    SecretStore secrets = new SecretStore(config.secretsToken());
    TaskLauncher launcher =
        new TaskLauncher(
            processes,
            config.fixedTasks() ? new FixedTaskRunner() : null,
            images,
            config.privateRegistries(),
            secrets::value);
    EventBus bus = new EventBus(config.clock());
    Marathon[] holder = new Marathon[1];
    HealthChecker checker = config.fixedTasks() ? null : new HealthChecker(() -> holder[0]);
    Marathon.Health health = checker != null ? checker : new AssumedHealth(() -> holder[0]);
    Marathon marathon =
        new Marathon(
            agents,
            bus,
            launcher,
            health,
            config.hostPorts(),
            config.servicePorts(),
            config.clock());
    holder[0] = marathon;

    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("sim-heartbeat", true));
    EventStream events =
        new EventStream(bus, timer, config.heartbeat(), config.maxOutstandingEvents());
    InetSocketAddress marathonAddress =
        new InetSocketAddress(config.bindAddress(), config.marathonPort());
    Router marathonRoutes =
        new Router()
            .add("GET", "/v2/events", events::handle)
            .add(
                "POST",
                "/sim/events/stall",
                x ->
                    x.json(
                        200,
                        JsonNodeFactory.instance
                            .objectNode()
                            .put("stalled", events.stallOpenStreams())));
    // /v2/info names the bound ports, known only once the servers listen: filled in below
    ObjectNode info = JsonNodeFactory.instance.objectNode();
    new AppsApi(marathon, info).routes(marathonRoutes);
    HttpServer marathonServer =
        HttpServer.start(marathonAddress, marathonRoutes, config.credentials(), "Mesosphere");
    int[] mesosPort = new int[1];
    int agentPort = config.agentPort() != 0 ? config.agentPort() : freePort();
    MesosApi mesos =
        new MesosApi(
            agents,
            marathon,
            frameworkId,
            () -> config.bindAddress() + ":" + mesosPort[0],
            agentPort);
    Router mesosRoutes = mesos.routes(new Router());
    if (config.secretsToken() != null) { // DC/OS serves its Secrets API beside the master
      secrets.routes(mesosRoutes);
    }
    HttpServer mesosServer =
        HttpServer.start(
            new InetSocketAddress(config.bindAddress(), config.mesosPort()),
            mesosRoutes,
            null,
            "Mesos");
    mesosPort[0] = mesosServer.port();
    List<HttpServer> agentServers = new ArrayList<>();
    for (Agent agent : agents) {
      agentServers.add(
          HttpServer.start(
              new InetSocketAddress(agent.hostname(), agentPort),
              mesos.agentRoutes(agent, new Router()),
              null,
              "Mesos"));
    }
    info(info, config, frameworkId, marathonServer.port(), mesosServer.port());
    return new Simulator(
        marathon,
        marathonServer,
        mesosServer,
        agentServers,
        processes,
        List.of(http, echo),
        checker,
        timer,
        agents,
        config.credentials());
  }

  /** A port free on 127.0.0.1, used for every agent on its own address. */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void info(
      ObjectNode info, SimulatorConfig config, String frameworkId, int port, int mesosPort) {
    String leader = config.bindAddress() + ":" + port;
    info.put("name", "marathon");
    info.put("version", "1.10.26");
    info.put("buildref", "marathon-sim");
    info.put("elected", true);
    info.put("leader", leader);
    info.put("frameworkId", frameworkId);
    ObjectNode marathonConfig = info.putObject("marathon_config");
    marathonConfig.put("framework_name", "marathon");
    marathonConfig.put("hostname", config.bindAddress());
    marathonConfig.put("local_port_min", config.servicePorts()[0]);
    marathonConfig.put("local_port_max", config.servicePorts()[1]);
    marathonConfig.put("master", "http://" + config.bindAddress() + ":" + mesosPort);
    marathonConfig.put(
        "mesos_leader_ui_url", "http://" + config.bindAddress() + ":" + mesosPort + "/");
    marathonConfig.put("webui_url", "http://" + leader);
    marathonConfig.putArray("features");
    ObjectNode httpConfig = info.putObject("http_config");
    httpConfig.put("http_port", port);
    httpConfig.put("https_port", 8443);
    info.putObject("event_subscriber").put("type", "sse");
  }

  /**
   * Starts a standby Marathon master on a free port that redirects event streams to this leader and
   * proxies everything else to it; the caller closes it.
   */
  public StandbyMarathon startStandby() {
    return StandbyMarathon.start("127.0.0.1", marathonUrl(), credentials);
  }

  /** Marathon's base URL, e.g. http://127.0.0.1:8080. */
  public String marathonUrl() {
    return "http://127.0.0.1:" + marathonServer.port();
  }

  /** The Mesos master's base URL. */
  public String mesosUrl() {
    return "http://127.0.0.1:" + mesosServer.port();
  }

  public List<Agent> agents() {
    return agents;
  }

  /** Pids of the task processes running now. */
  public java.util.Set<Long> taskProcesses() {
    return processes.pids();
  }

  /** Stops everything; every task process it started is killed. */
  @Override
  public void close() {
    processes.stopAll(); // first: task processes must not outlive the simulator, however it ends
    try {
      marathon.close();
    } finally {
      builtins.forEach(BuiltinTaskRunner::stopAll);
      if (checker != null) {
        checker.close();
      }
      timer.shutdownNow();
      marathonServer.close();
      mesosServer.close();
      agentServers.forEach(HttpServer::close);
    }
  }
}
