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

  /** Reads until the stream ends (returns) or fails (throws). */
  public static void read(InputStream body, Listener listener) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    String type = null;
    StringBuilder data = new StringBuilder();
    String line;
    // readLine splits on \n, \r or \r\n: CRLF framing and LF framing read the same
    while ((line = reader.readLine()) != null) {
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
