package io.gatehouse.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A client on a raw socket: it sends bytes exactly as given, and reads responses by RFC 9112 (a
 * body framed by Content-Length, chunked, or the end of the connection).
 */
public final class RawHttpClient implements AutoCloseable {
  /** One response: its status, its headers (names in lower case), its body. */
  public record Answer(int status, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final InputStream in;

  private RawHttpClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
  }

  public static RawHttpClient connect(int port) throws IOException {
    return new RawHttpClient(new Socket("127.0.0.1", port));
  }

  /** A client speaking over a socket opened elsewhere (a TLS one, say). */
  public static RawHttpClient over(Socket socket) throws IOException {
    return new RawHttpClient(socket);
  }

  public void send(String raw) throws IOException {
    socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** The next response; a failure when the connection ends before one is complete. */
  public Answer next() throws IOException {
    return next(false);
  }

  /** The next response to a HEAD request: a head without a body, whatever its headers say. */
  public Answer nextToHead() throws IOException {
    return next(true);
  }

  private Answer next(boolean toHead) throws IOException {
    String statusLine = line();
    int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while (!(line = line()).isEmpty()) {
      int colon = line.indexOf(':');
      headers.merge(
          line.substring(0, colon).toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim(),
          (a, b) -> a + "," + b);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (toHead) {
      return new Answer(status, headers, "");
    }
    if (headers.containsKey("content-length")) {
      int length = Integer.parseInt(headers.get("content-length"));
      byte[] read = in.readNBytes(length);
      if (read.length < length) {
        throw new IOException("the connection ended inside a response: " + read.length + " bytes");
      }
      body.write(read);
    } else if ("chunked".equals(headers.get("transfer-encoding"))) {
      int size;
      while ((size = Integer.parseInt(line().split(";", 2)[0], 16)) > 0) {
        body.write(in.readNBytes(size));
        line();
      }
      while (!line().isEmpty()) {
        // trailer fields
      }
    } else if (status >= 200 && status != 204 && status != 304) {
      body.write(in.readAllBytes());
    }
    return new Answer(status, headers, body.toString(StandardCharsets.ISO_8859_1));
  }

  /** Whether the engine has ended the connection: reads and finds its end, not more bytes. */
  public boolean endedByPeer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new IOException("the connection ended inside a response: " + line);
      }
      line.append((char) b);
    }
    int end = line.length();
    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
