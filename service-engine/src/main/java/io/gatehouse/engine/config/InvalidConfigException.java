package io.gatehouse.engine.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration the engine refuses, with every field that is wrong and why. */
public final class InvalidConfigException extends RuntimeException {
  /** One wrong field: its path (e.g. {@code pools.web.endpoints[1].port}) and what is wrong. */
  public record Violation(String field, String description) {
    @Override
    public String toString() {
      return field + ": " + description;
    }
  }

  private final List<Violation> violations;

  public InvalidConfigException(List<Violation> violations) {
    super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
