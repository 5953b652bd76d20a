package io.gatehouse.sim.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/** Publishes Marathon events to every attached stream. */
public final class EventBus {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A consumer of events (an attached /v2/events stream). */
  public interface Subscriber {
    /** Called with the event type and its one-line JSON; must not block. */
    void onEvent(String eventType, String json);
  }

  private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
  private final Clock clock;

  public EventBus(Clock clock) {
    this.clock = clock;
  }

  public void subscribe(Subscriber subscriber) {
    subscribers.add(subscriber);
  }

  public void unsubscribe(Subscriber subscriber) {
    subscribers.remove(subscriber);
  }

  /** A new event body with its type; the caller adds fields, then {@link #publish}es it. */
  public ObjectNode event(String eventType) {
    ObjectNode event = JSON.createObjectNode();
    event.put("eventType", eventType);
    return event;
  }

  /** Stamps the event's time and sends it to every subscriber. */
  public void publish(ObjectNode event) {
    // Marathon writes eventType and timestamp last
    String type = event.remove("eventType").asText();
    event.put("eventType", type);
    event.put("timestamp", Timestamps.format(clock.instant()));
    String json;
    try {
      json = JSON.writeValueAsString(event);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    subscribers.forEach(s -> s.onEvent(type, json));
  }

  public Instant now() {
    return clock.instant();
  }
}
