package io.gatehouse.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A pool member on a raw socket that records every byte it receives and reads requests by the
 * strictest reading of RFC 9112: a head ends at the first empty line, and a body is exactly what
 * one {@code Content-Length} or {@code Transfer-Encoding: chunked} says. Each complete request is
 * answered with {@link #answer} (by default a 200 with a 2-byte body). Anything else (two lengths,
 * another coding) makes it stop reading and close, and is counted as a violation.
 */
public final class RecordingMember implements AutoCloseable {
  private static final byte[] OK = ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final List<String> requests = new ArrayList<>();
  private int connections;
  private int closed;
  private int violations;
  private volatile byte[] answer = OK;

  public RecordingMember() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** What each complete request is answered with from now on: raw bytes, sent as they are. */
  public void answerWith(String raw) {
    answer = ascii(raw);
  }

  /** Every byte received, over all connections, in the order it arrived. */
  public synchronized String received() {
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /** The complete requests read, each as the bytes it was made of. */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  public synchronized int connections() {
    return connections;
  }

  /** Connections that have ended (the engine closed them, or this member did). */
  public synchronized int closed() {
    return closed;
  }

  public synchronized int violations() {
    return violations;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        synchronized (this) {
          connections++;
        }
        threads.submit(() -> serve(socket));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      Reader reader = new Reader(in);
      while (true) {
        String request = reader.request();
        synchronized (this) {
          requests.add(request);
        }
        out.write(answer);
        out.flush();
      }
    } catch (IOException | IllegalStateException e) {
      synchronized (this) {
        if (e instanceof IllegalStateException) {
          violations++;
        }
      }
    } finally {
      synchronized (this) {
        closed++;
      }
    }
  }

  /** Reads requests from one connection, recording each byte as it is read. */
  private final class Reader {
    private final InputStream in;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();

    Reader(InputStream in) {
      this.in = in;
    }

    /** The next complete request; an IOException when the connection ends first. */
    String request() throws IOException {
      current.reset();
      List<String> head = new ArrayList<>();
      String line;
      while (!(line = line()).isEmpty()) {
        head.add(line);
      }
      if (head.isEmpty()) {
        throw new IllegalStateException("an empty line where a request should start");
      }
      long length = -1;
      boolean chunked = false;
      for (String field : head.subList(1, head.size())) {
        String name = field.substring(0, field.indexOf(':')).toLowerCase(Locale.ROOT);
        String value = field.substring(field.indexOf(':') + 1).trim();
        if (name.equals("content-length")) {
          if (length >= 0 || !value.matches("[0-9]+")) {
            throw new IllegalStateException("Content-Length twice or not a number");
          }
          length = Long.parseLong(value);
        } else if (name.equals("transfer-encoding")) {
          if (chunked || !value.equals("chunked")) {
            throw new IllegalStateException("a transfer coding other than one chunked");
          }
          chunked = true;
        }
      }
      if (chunked && length >= 0) {
        throw new IllegalStateException("both Content-Length and Transfer-Encoding");
      }
      if (chunked) {
        long size;
        do {
          String sizeLine = line();
          size = Long.parseLong(sizeLine.split(";", 2)[0], 16);
          skip(size);
          if (size > 0 && !line().isEmpty()) {
            throw new IllegalStateException("a chunk longer than its size");
          }
        } while (size > 0);
        while (!line().isEmpty()) {
          // trailer fields
        }
      } else if (length > 0) {
        skip(length);
      }
      return current.toString(StandardCharsets.ISO_8859_1);
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      int previous = -1;
      while (true) {
        int b = read();
        if (b == '\n') {
          if (previous != '\r') {
            throw new IllegalStateException("a bare LF");
          }
          return line.substring(0, line.length() - 1);
        }
        line.append((char) b);
        previous = b;
      }
    }

    private void skip(long n) throws IOException {
      for (long i = 0; i < n; i++) {
        read();
      }
    }

    private int read() throws IOException {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection ended"); // between requests or inside one
      }
      current.write(b);
      synchronized (RecordingMember.this) {
        received.write(b);
      }
      return b;
    }
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
