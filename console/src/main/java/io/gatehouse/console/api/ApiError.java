package io.gatehouse.console.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.List;

/** Every error the API answers: its status code, a message, and the fields at fault. */
@Serdeable
public record ApiError(
    int code,
    String message,
    @JsonProperty("field_violations") List<FieldViolation> fieldViolations) {

  /** One field at fault and why. */
  @Serdeable
  public record FieldViolation(String field, String description) {}

  /** Collects the fields at fault in a request. */
  public static final class Violations {
    private final List<FieldViolation> found = new ArrayList<>();

    public Violations add(String field, String description) {
      found.add(new FieldViolation(field, description));
      return this;
    }

    /** Throws a 400 naming every field at fault, when there is one. */
    public void throwIfAny() {
      if (!found.isEmpty()) {
        throw ApiException.badRequest(found);
      }
    }
  }
}
