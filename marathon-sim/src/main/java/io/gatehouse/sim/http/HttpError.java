package io.gatehouse.sim.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An error answered in Marathon's JSON shape: {@code {"message": ..., "details"?: [...]}}. */
public final class HttpError extends RuntimeException {
  private final int status;
  private final ObjectNode body;

  public HttpError(int status, ObjectNode body) {
    super(body.path("message").asText(), null, false, false);
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public JsonNode body() {
    return body;
  }

  /** An error with only a message. */
  public static HttpError of(int status, String message) {
    return new HttpError(status, HttpExchange.JSON.createObjectNode().put("message", message));
  }

  /** 400 as Marathon answers a body that is not the JSON it expects. */
  public static HttpError invalidJson(String path, String error) {
    return withDetails(400, "Invalid JSON", path, error);
  }

  /** 422 as Marathon answers a definition that fails validation. */
  public static HttpError invalid(String path, String error) {
    return withDetails(422, "Object is not valid", path, error);
  }

  private static HttpError withDetails(int status, String message, String path, String error) {
    ObjectNode body = HttpExchange.JSON.createObjectNode().put("message", message);
    ArrayNode details = body.putArray("details");
    ObjectNode detail = details.addObject().put("path", path);
    detail.putArray("errors").add(error);
    return new HttpError(status, body);
  }
}
