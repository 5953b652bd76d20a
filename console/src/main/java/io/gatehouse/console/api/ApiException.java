package io.gatehouse.console.api;

import io.micronaut.http.HttpStatus;
import java.util.List;

/** A request refused: its status, what was wrong, and for a bad request the fields at fault. */
public final class ApiException extends RuntimeException {
  private final HttpStatus status;
  private final List<ApiError.FieldViolation> violations;

  public ApiException(HttpStatus status, String message) {
    this(status, message, List.of());
  }

  public ApiException(HttpStatus status, String message, List<ApiError.FieldViolation> violations) {
    super(message, null, false, false);
    this.status = status;
    this.violations = List.copyOf(violations);
  }

  /** A 400 naming each field at fault. */
  public static ApiException badRequest(List<ApiError.FieldViolation> violations) {
    return new ApiException(HttpStatus.BAD_REQUEST, "the request has invalid fields", violations);
  }

  public HttpStatus status() {
    return status;
  }

  public ApiError body() {
    return new ApiError(status.getCode(), getMessage(), violations);
  }
}
