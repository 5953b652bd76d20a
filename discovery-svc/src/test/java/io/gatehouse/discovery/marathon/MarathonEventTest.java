package io.gatehouse.discovery.marathon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MarathonEventTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant RECEIVED = Instant.parse("2026-11-21T10:00:00.500Z");

  private static MarathonEvent event(String json) throws Exception {
    return new MarathonEvent("status_update_event", JSON.readTree(json));
  }

  @Test
  void anEventHappenedWhenMarathonSays() throws Exception {
    assertThat(event("{\"timestamp\": \"2026-11-21T10:00:00.125Z\"}").happenedAt(RECEIVED))
        .isEqualTo(Instant.parse("2026-11-21T10:00:00.125Z"));
  }

  @Test
  void withoutAUsableTimestampOrWithMarathonsClockAheadItHappenedWhenReceived() throws Exception {
    assertThat(event("{}").happenedAt(RECEIVED)).isEqualTo(RECEIVED);
    assertThat(event("{\"timestamp\": \"yesterday\"}").happenedAt(RECEIVED)).isEqualTo(RECEIVED);
    assertThat(event("{\"timestamp\": \"2026-11-21T10:00:09.000Z\"}").happenedAt(RECEIVED))
        .isEqualTo(RECEIVED);
  }
}
