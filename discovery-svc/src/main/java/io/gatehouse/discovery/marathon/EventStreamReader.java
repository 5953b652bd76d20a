package io.gatehouse.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Marathon's {@code /v2/events} body: {@code event:} and {@code data:} lines, an empty line
 * ending each event. Lines end with CRLF (Jetty) or LF; an empty line with nothing before it is
 * Marathon's keep-alive (a bare CRLF, not an SSE comment) and only shows the stream is alive.
 * Before Marathon 0.11 frames have no {@code event:} line; the type is then the JSON's {@code
 * eventType}. A frame whose data is not JSON is logged and skipped; the stream goes on.
 */
public final class EventStreamReader {
  private static final Logger log = LoggerFactory.getLogger(EventStreamReader.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the reader reports besides events. */
  public interface Listener {
    /** An event arrived. */
    void onEvent(MarathonEvent event);

    /** Bytes arrived (an event or a keep-alive): the stream is alive. */
    default void onActivity() {}
  }

  private EventStreamReader() {}

  /**
   * The longest event the reader takes: Marathon's largest events (a deployment's whole group) stay
   * far below it. A longer line or frame fails the stream, which is then opened again and followed
   * by a full resync, as after any failure.
   */
  static final int MAX_EVENT_CHARS = 16 * 1024 * 1024;

  /** Reads until the stream ends (returns) or fails (throws). */
  public static void read(InputStream body, Listener listener) throws IOException {
    read(body, listener, MAX_EVENT_CHARS);
  }

  static void read(InputStream body, Listener listener, int maxChars) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    String type = null;
    StringBuilder data = new StringBuilder();
    StringBuilder buffer = new StringBuilder();
    String line;
    // lines end at \n, \r or \r\n: CRLF framing and LF framing read the same
    while ((line = readLine(reader, buffer, maxChars)) != null) {
      if (data.length() + line.length() > maxChars) {
        throw new IOException("an event of more than " + maxChars + " characters; not read");
      }
      listener.onActivity();
      if (line.isEmpty()) {
        if (data.length() > 0) {
          dispatch(type, data.toString(), listener);
        }
        type = null;
        data.setLength(0);
      } else if (line.startsWith("event:")) {
        type = line.substring(6).trim();
      } else if (line.startsWith("data:")) {
        if (data.length() > 0) {
          data.append('\n');
        }
        data.append(line.substring(5).stripLeading());
      }
      // "id:", "retry:" and ":" comments carry nothing Marathon uses
    }
    if (data.length() > 0) {
      dispatch(type, data.toString(), listener);
    }
  }

  /**
   * The next line, without its end; null at the end of the stream. Unlike {@link
   * BufferedReader#readLine}, a line may not grow beyond {@code maxChars}.
   */
  private static String readLine(BufferedReader reader, StringBuilder line, int maxChars)
      throws IOException {
    line.setLength(0);
    int c;
    while ((c = reader.read()) >= 0) {
      if (c == '\n') {
        return line.toString();
      }
      if (c == '\r') {
        reader.mark(1);
        if (reader.read() != '\n') {
          reader.reset();
        }
        return line.toString();
      }
      if (line.length() >= maxChars) {
        throw new IOException("a line of more than " + maxChars + " characters; not read");
      }
      line.append((char) c);
    }
    return line.length() > 0 ? line.toString() : null;
  }

  private static void dispatch(String type, String data, Listener listener) {
    JsonNode json;
    try {
      json = JSON.readTree(data);
    } catch (IOException e) {
      log.warn("skipping an event whose data is not JSON: {}", abbreviate(data));
      return;
    }
    String eventType = type != null && !type.isEmpty() ? type : json.path("eventType").asText("");
    listener.onEvent(new MarathonEvent(eventType, json));
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "...";
  }
}
