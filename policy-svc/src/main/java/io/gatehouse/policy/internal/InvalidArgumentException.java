package io.gatehouse.policy.internal;

import com.google.rpc.Code;
import java.util.List;
import java.util.stream.Collectors;

/** The request is malformed; every bad field is named. Maps to INVALID_ARGUMENT + BadRequest. */
public final class InvalidArgumentException extends PolicyException {
  private final List<FieldViolation> violations;

  public InvalidArgumentException(List<FieldViolation> violations) {
    super(Code.INVALID_ARGUMENT, describe(violations));
    this.violations = List.copyOf(violations);
  }

  public static InvalidArgumentException of(String field, String description) {
    return new InvalidArgumentException(List.of(new FieldViolation(field, description)));
  }

  public List<FieldViolation> violations() {
    return violations;
  }

  private static String describe(List<FieldViolation> violations) {
    return violations.stream()
        .map(v -> v.field() + ": " + v.description())
        .collect(Collectors.joining("; "));
  }
}
