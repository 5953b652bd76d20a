package io.gatehouse.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** One event of Marathon's event stream: its type and its JSON. */
public record MarathonEvent(String type, JsonNode data) {
  /**
   * When Marathon says the event happened (its {@code timestamp}), so that delays are measured from
   * Marathon; the time it was {@code received} when it says nothing usable or its clock runs ahead
   * of ours.
   */
  Instant happenedAt(Instant received) {
    String timestamp = data.path("timestamp").asText("");
    if (timestamp.isEmpty()) {
      return received;
    }
    try {
      return earliest(Instant.parse(timestamp), received);
    } catch (DateTimeParseException e) {
      return received;
    }
  }

  static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
