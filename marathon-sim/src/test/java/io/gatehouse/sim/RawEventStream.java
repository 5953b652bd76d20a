package io.gatehouse.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A /v2/events client on a plain socket, so tests see the exact bytes: status line, headers, and
 * every event frame with its CRLFs. A reader thread collects what arrives.
 */
final class RawEventStream implements AutoCloseable {
  private final Socket socket;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final List<String> frames = new CopyOnWriteArrayList<>();
  private final Thread reader;

  RawEventStream(String baseUrl, String accept, String query) throws IOException {
    URI uri = URI.create(baseUrl);
    socket = new Socket(uri.getHost(), uri.getPort());
    String request =
        "GET /v2/events"
            + (query == null ? "" : "?" + query)
            + " HTTP/1.1\r\n"
            + "Host: "
            + uri.getHost()
            + "\r\n"
            + (accept == null ? "" : "Accept: " + accept + "\r\n")
            + "\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    reader = new Thread(this::read, "raw-event-stream");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    byte[] buffer = new byte[8192];
    try (InputStream in = socket.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (received) {
          received.write(buffer, 0, n);
          String all = received.toString(StandardCharsets.UTF_8);
          int bodyStart = all.indexOf("\r\n\r\n");
          if (bodyStart >= 0) {
            frames.clear();
            for (String frame : all.substring(bodyStart + 4).split("\r\n\r\n", -1)) {
              frames.add(frame.replaceFirst("^(\r\n)+", "")); // heartbeats before an event
            }
          }
        }
      }
    } catch (IOException closed) {
      // the test closed the socket, or the server did
    }
  }

  /** Everything received so far. */
  String raw() {
    synchronized (received) {
      return received.toString(StandardCharsets.UTF_8);
    }
  }

  /** The events received so far, each as "type" -> data line. */
  List<String> eventTypes() {
    return frames.stream()
        .filter(f -> f.startsWith("event: "))
        .map(f -> f.substring(7, f.indexOf("\r\n")))
        .toList();
  }

  /** The data lines of events of {@code type}. */
  List<String> data(String type) {
    return frames.stream()
        .filter(f -> f.startsWith("event: " + type + "\r\n"))
        .map(f -> f.substring(f.indexOf("data: ") + 6))
        .toList();
  }

  boolean closedByServer() {
    return !reader.isAlive();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
