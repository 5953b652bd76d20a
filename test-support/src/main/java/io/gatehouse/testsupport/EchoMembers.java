package io.gatehouse.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * L4 pool members on loopback: a TCP member that echoes every byte until the client ends its side,
 * and a UDP member that answers each datagram with the same bytes; and the clients the ground-truth
 * scenarios use through a virtual service in front of them.
 */
public final class EchoMembers implements AutoCloseable {
  private final ServerSocket tcp;
  private final DatagramSocket udp;

  public EchoMembers() {
    try {
      tcp = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
      udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon("echo-tcp", this::acceptTcp);
    daemon("echo-udp", this::answerUdp);
  }

  private static void daemon(String name, Runnable work) {
    Thread thread = new Thread(work, name);
    thread.setDaemon(true);
    thread.start();
  }

  public int tcpPort() {
    return tcp.getLocalPort();
  }

  public int udpPort() {
    return udp.getLocalPort();
  }

  private void acceptTcp() {
    while (!tcp.isClosed()) {
      try {
        Socket socket = tcp.accept();
        daemon("echo-tcp-connection", () -> echo(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private static void echo(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      socket.setTcpNoDelay(true);
      byte[] buffer = new byte[16 * 1024];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // the client went away: nothing to echo
    }
  }

  private void answerUdp() {
    byte[] buffer = new byte[64 * 1024];
    while (!udp.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        udp.receive(packet);
        udp.send(
            new DatagramPacket(
                packet.getData(), packet.getLength(), packet.getAddress(), packet.getPort()));
      } catch (IOException closed) {
        return;
      }
    }
  }

  /**
   * A client of a TCP echo behind {@code port}: sends {@code bytes} and reads them back, stays
   * connected {@code holdMs} more, then ends its side first and reads to the end.
   */
  public static void echoThenHold(int port, int bytes, long holdMs) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(new byte[bytes]);
      byte[] back = socket.getInputStream().readNBytes(bytes);
      if (back.length != bytes) {
        throw new IllegalStateException("the echo ended after " + back.length + " bytes");
      }
      TimeUnit.MILLISECONDS.sleep(holdMs); // how long the connection stays open: the truth
      socket.shutdownOutput();
      socket.getInputStream().readAllBytes(); // until the member's end
    }
  }

  /** A client of a UDP echo behind {@code port}, from a port of its own: one datagram and back. */
  public static void echoDatagram(int port, int bytes) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(10_000);
      socket.send(
          new DatagramPacket(new byte[bytes], bytes, new InetSocketAddress("127.0.0.1", port)));
      socket.receive(new DatagramPacket(new byte[bytes], bytes));
    }
  }

  /** A TCP client behind {@code port} whose connection is ended at once, by a close or a reset. */
  public static void endedAtOnce(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(10_000);
      if (socket.getInputStream().read() != -1) {
        throw new IllegalStateException("a refused connection answered");
      }
    } catch (java.net.SocketException reset) {
      // ended by a reset rather than a close: as refused
    }
  }

  @Override
  public void close() throws IOException {
    tcp.close();
    udp.close();
  }
}
