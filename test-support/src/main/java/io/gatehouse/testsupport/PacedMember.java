package io.gatehouse.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A pool member whose timing is the truth a measurement is checked against: raw sockets with
 * TCP_NODELAY (no Nagle holding a body back behind the head), keep-alive, requests without bodies.
 * {@code /slow?ms=N} answers after N ms, head and body in one write; {@code /stream?chunks=N&ms=M}
 * sends its head with the first 8 KiB chunk at once, then a chunk every M ms; {@code /error}
 * answers 503 at once; anything else 200 at once.
 */
public final class PacedMember implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  public PacedMember() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        socket.setTcpNoDelay(true);
        threads.submit(() -> serve(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      String head;
      while ((head = readHead(in)) != null) {
        String target =
            head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        if (target.startsWith("/slow?ms=")) {
          TimeUnit.MILLISECONDS.sleep(Long.parseLong(target.substring("/slow?ms=".length())));
          out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow"));
        } else if (target.startsWith("/stream?")) {
          String[] q = target.substring("/stream?".length()).split("&");
          int chunks = Integer.parseInt(q[0].substring("chunks=".length()));
          long ms = Long.parseLong(q[1].substring("ms=".length()));
          String chunk = "2000\r\n" + "x".repeat(8192) + "\r\n";
          out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk));
          for (int i = 1; i < chunks; i++) {
            TimeUnit.MILLISECONDS.sleep(ms);
            out.write(ascii(chunk + (i == chunks - 1 ? "0\r\n\r\n" : "")));
          }
          if (chunks == 1) {
            out.write(ascii("0\r\n\r\n"));
          }
        } else if (target.startsWith("/bytes?n=")) {
          long n = Long.parseLong(target.substring("/bytes?n=".length()));
          out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n"));
          byte[] block = new byte[64 * 1024];
          for (long left = n; left > 0; left -= block.length) {
            out.write(block, 0, (int) Math.min(block.length, left));
          }
        } else if (target.equals("/error")) {
          out.write(ascii("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"));
        } else {
          out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        }
        out.flush();
      }
    } catch (IOException | InterruptedException | RuntimeException gone) {
      // the connection ended
    }
  }

  /** The next request head, or null at the end of the connection. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
