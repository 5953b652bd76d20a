package io.gatehouse.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code gatehouse up} prints once the platform is up: where everything is. */
final class Welcome {
  private final PrintStream out;
  private final Path home;
  private final int basePort;
  private final int replicas;
  private final int agents;
  private final int marathonPort;
  private final int consolePort;

  Welcome(
      PrintStream out,
      Path home,
      int basePort,
      int replicas,
      int agents,
      int marathonPort,
      int consolePort) {
    this.replicas = replicas;
    this.out = out;
    this.home = home;
    this.basePort = basePort;
    this.agents = agents;
    this.marathonPort = marathonPort;
    this.consolePort = consolePort;
  }

  /** Prints it; {@code servicePort} is the demo app's (null without the demo). */
  void print(String servicePort) {
    out.println();
    out.println("Gatehouse is up.");
    if (servicePort != null) {
      StringBuilder nodes = new StringBuilder();
      for (int i = 0; i < agents; i++) {
        nodes.append(i == 0 ? "" : ", ").append("127.0.0." + (i + 2));
      }
      out.println(
          "  traffic:   curl http://127.0.0.2:"
              + servicePort
              + "/   (the demo app webappew1,"
              + " served on every agent: "
              + nodes
              + ")");
    }
    out.println("  marathon:  http://127.0.0.1:" + marathonPort + "/v2/apps");
    out.println(
        "  services:  policy "
            + grpc(1)
            + ", discovery "
            + grpc(2)
            + ", se-manager "
            + grpc(3)
            + ", analytics "
            + grpc(4)
            + " (gRPC; operator token in "
            + home.resolve("secrets.properties")
            + ")");
    if (replicas > 1) {
      out.println(
          "  replicas:  "
              + replicas
              + " of each service; replica r (from 0) on the ports above plus 10r");
    }
    Path console = home.resolve("console");
    out.println(
        "  console:   https://127.0.0.1:"
            + consolePort
            + "/   (the web console; its API under /api/v1; its CA: "
            + console.resolve("tls").resolve("ca.pem")
            + ")");
    String setupCode = setupCode(console.resolve("setup-code"));
    if (setupCode != null) {
      out.println(
          "  setup:     no account yet: create the admin with the one-time setup code "
              + setupCode
              + " (the web console's setup wizard, or POST /api/v1/setup)");
    }
    out.println(
        "  metrics:   http://127.0.0.1:"
            + (basePort + 94)
            + "/metrics (analytics-svc), engines on <agent>:9180/metrics");
    out.println("  stop:      Ctrl-C (data stays in " + home + ")");
  }

  private String grpc(int offset) {
    return "127.0.0.1:" + (basePort + offset);
  }

  /** The console's setup code, while it has one (it is gone once the admin account exists). */
  private static String setupCode(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file).strip() : null;
    } catch (IOException unreadable) {
      return null;
    }
  }
}
