package io.gatehouse.policy.internal;

import static java.util.Objects.requireNonNull;

/**
 * One bad field of a request: its path (e.g. {@code virtual_service.services[1].port}) and what to
 * change.
 */
public record FieldViolation(String field, String description) {
  public FieldViolation {
    requireNonNull(field, "field");
    requireNonNull(description, "description");
  }
}
