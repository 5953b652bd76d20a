package io.gatehouse.common.leader;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** How a replica names itself to the others: its host and the port its gRPC API listens on. */
public final class Replicas {
  /** This host's name, looked up once: every election and answer of a process uses it. */
  private static final String HOST = hostName();

  private Replicas() {}

  /**
   * {@code <host name>:<grpc port>}, the address an operator reaches the replica at; with no fixed
   * port (0: the kernel picks one, as tests do) the process id stands in for it, {@code <host
   * name>/pid <pid>}.
   */
  public static String name(int grpcPort) {
    return grpcPort > 0 ? HOST + ":" + grpcPort : HOST + "/pid " + ProcessHandle.current().pid();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
