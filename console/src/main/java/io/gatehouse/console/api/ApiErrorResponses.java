package io.gatehouse.console.api;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The errors the framework answers itself (a body that is not JSON, an unknown path, a method a
 * path does not take) in the API's own form, {@link ApiError}, saying what was wrong in the
 * request's terms rather than the parser's: nothing of the server's inside is echoed.
 */
@Singleton
final class ApiErrorResponses implements ErrorResponseProcessor<ApiError> {
  @Override
  public MutableHttpResponse<ApiError> processResponse(
      ErrorContext context, MutableHttpResponse<?> response) {
    HttpStatus status = response.getStatus();
    String message =
        switch (status) {
          case BAD_REQUEST -> "the request is not what this call takes (JSON of its fields)";
          case NOT_FOUND -> "no such resource";
          case METHOD_NOT_ALLOWED ->
              "this resource does not take " + context.getRequest().getMethod();
          case UNSUPPORTED_MEDIA_TYPE -> "send the body as application/json";
          case REQUEST_ENTITY_TOO_LARGE -> "the request body is too large";
          default -> status.getReason();
        };
    return response
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(new ApiError(status.getCode(), message, List.of()));
  }
}
