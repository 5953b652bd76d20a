package io.gatehouse.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * L4 pool members on loopback: a TCP member that echoes every byte until the client ends its side,
 * and a UDP member that answers each datagram with the same bytes.
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

  @Override
  public void close() throws IOException {
    tcp.close();
    udp.close();
  }
}
