package io.gatehouse.discovery.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventStreamReaderTest {

  @Test
  void readsCrlfFramesAndCountsBareCrlfKeepAlivesAsActivityOnly() throws Exception {
    String body =
        "event: event_stream_attached\r\ndata: {\"remoteAddress\":\"10.0.0.1\",\"eventType\":\"event_stream_attached\"}\r\n\r\n"
            + "\r\n"
            + "\r\n"
            + "event: status_update_event\r\ndata: {\"taskId\":\"web.a\",\"taskStatus\":\"TASK_KILLED\",\"eventType\":\"status_update_event\"}\r\n\r\n";
    List<MarathonEvent> events = new ArrayList<>();
    AtomicInteger activity = new AtomicInteger();

    EventStreamReader.read(
        stream(body),
        new EventStreamReader.Listener() {
          @Override
          public void onEvent(MarathonEvent event) {
            events.add(event);
          }

          @Override
          public void onActivity() {
            activity.incrementAndGet();
          }
        });

    assertThat(events)
        .extracting(MarathonEvent::type)
        .containsExactly("event_stream_attached", "status_update_event");
    assertThat(events.get(1).data().get("taskStatus").asText()).isEqualTo("TASK_KILLED");
    assertThat(activity.get()).isGreaterThanOrEqualTo(8);
  }

  @Test
  void framesWithoutAnEventLineTakeTheirTypeFromTheJson() throws Exception {
    String body =
        "data: {\"eventType\":\"api_post_event\",\"uri\":\"/v2/apps\"}\n\ndata: {\"eventType\":\"deployment_success\"}\n\n";
    List<MarathonEvent> events = new ArrayList<>();

    EventStreamReader.read(stream(body), events::add);

    assertThat(events)
        .extracting(MarathonEvent::type)
        .containsExactly("api_post_event", "deployment_success");
  }

  @Test
  void aFrameThatIsNotJsonIsSkippedAndTheStreamGoesOn() throws Exception {
    String body =
        "event: broken\r\ndata: {not json\r\n\r\nevent: app_terminated_event\r\ndata: {\"appId\":\"/web\"}\r\n\r\n";
    List<MarathonEvent> events = new ArrayList<>();

    EventStreamReader.read(stream(body), events::add);

    assertThat(events).extracting(MarathonEvent::type).containsExactly("app_terminated_event");
  }

  @Test
  void aLineLongerThanTheLimitFailsTheStreamInsteadOfFillingTheHeap() {
    String body = "data: {\"a\":\"" + "x".repeat(200) + "\"}\n\n";

    assertThatThrownBy(() -> EventStreamReader.read(stream(body), e -> {}, 100))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("a line of more than 100 characters");
  }

  @Test
  void aFrameOfManyShortLinesLongerThanTheLimitFailsTheStream() {
    String body = "data: 1\n".repeat(50) + "\n";

    assertThatThrownBy(() -> EventStreamReader.read(stream(body), e -> {}, 100))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("an event of more than 100 characters");
  }

  @Test
  void eventsWithinTheLimitAndEveryLineEndReadAsBefore() throws Exception {
    String body =
        "event: a\rdata: {\"eventType\":\"a\"}\r\rdata: {\"eventType\":\"b\"}\r\n\r\n"
            + "data: {\"eventType\":\"c\"}\n\n";
    List<MarathonEvent> events = new ArrayList<>();

    EventStreamReader.read(stream(body), events::add, 100);

    assertThat(events).extracting(MarathonEvent::type).containsExactly("a", "b", "c");
  }

  private static ByteArrayInputStream stream(String body) {
    return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
  }
}
