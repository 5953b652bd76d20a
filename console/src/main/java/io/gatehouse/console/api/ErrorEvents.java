package io.gatehouse.console.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.micronaut.http.sse.Event;
import reactor.core.publisher.Flux;

/**
 * A server-sent event stream that fails ends with its error as a last event named {@code error},
 * its data the API's error ({@code {code, message, field_violations}}): the stream's 200 is sent
 * before the service behind it has answered, and a browser's EventSource reads no error body.
 */
public final class ErrorEvents {
  private ErrorEvents() {}

  public static Flux<Event<String>> endingWithError(Flux<Event<String>> events) {
    return events.onErrorResume(
        ApiException.class, e -> Flux.just(Event.of(json(e.body())).name("error")));
  }

  private static String json(ApiError error) {
    JsonObject json = new JsonObject();
    json.addProperty("code", error.code());
    json.addProperty("message", error.message());
    JsonArray violations = new JsonArray();
    for (ApiError.FieldViolation v : error.fieldViolations()) {
      JsonObject violation = new JsonObject();
      violation.addProperty("field", v.field());
      violation.addProperty("description", v.description());
      violations.add(violation);
    }
    json.add("field_violations", violations);
    return json.toString();
  }
}
