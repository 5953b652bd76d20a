package io.gatehouse.semanager.driver;

/**
 * How the engines a driver starts reach the manager: its gRPC address ({@code {manager}} in command
 * templates) and the engine argument that says how to trust it ({@code {control_tls}}): the CA file
 * of the services' certificates, as found on the node, or plaintext when the manager runs without
 * TLS.
 *
 * @param target host:port
 * @param tlsArgument {@code --control-ca=<file>} or {@code --control-plaintext}
 */
public record ManagerAddress(String target, String tlsArgument) {
  /** Engines trusting the CA in {@code caFile} (a path on the node). */
  public static ManagerAddress trusting(String target, String caFile) {
    return new ManagerAddress(target, "--control-ca=" + caFile);
  }

  /** The CA file engines are told to trust; null when they connect without TLS. */
  public String caFile() {
    return tlsArgument.startsWith("--control-ca=")
        ? tlsArgument.substring("--control-ca=".length())
        : null;
  }

  /** Engines told to connect without TLS. */
  public static ManagerAddress plaintext(String target) {
    return new ManagerAddress(target, "--control-plaintext");
  }
}
