package io.gatehouse.console.api;

import io.micronaut.http.sse.Event;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import reactor.core.publisher.Flux;

/**
 * A server-sent event stream that fails ends with its error as a last event named {@code error},
 * its data the API's error as every answer writes it ({@code {code, message, field_violations}}):
 * the stream's 200 is sent before the service behind it has answered, and a browser's EventSource
 * reads no error body.
 */
@Singleton
public final class ErrorEvents {
  private final JsonMapper json;

  ErrorEvents(JsonMapper json) {
    this.json = json;
  }

  public Flux<Event<String>> endingWithError(Flux<Event<String>> events) {
    return events.onErrorResume(
        ApiException.class, e -> Flux.just(Event.of(write(e.body())).name("error")));
  }

  private String write(ApiError error) {
    try {
      return json.writeValueAsString(error);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
