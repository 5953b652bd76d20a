package io.gatehouse.policy.objects;

import com.google.protobuf.Duration;
import io.gatehouse.policy.internal.FieldViolation;
import io.gatehouse.policy.internal.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every bad field of a request, with full paths such as {@code
 * virtual_service.services[1].port}, so one answer lists everything to fix.
 */
public final class Violations {
  private final String prefix;
  private final List<FieldViolation> found;

  private Violations(String prefix, List<FieldViolation> found) {
    this.prefix = prefix;
    this.found = found;
  }

  /** A collector whose paths start at {@code root} (the request field, e.g. "pool"). */
  public static Violations at(String root) {
    return new Violations(root, new ArrayList<>());
  }

  /** The same collector with paths below {@code field}. */
  public Violations in(String field) {
    return new Violations(path(field), found);
  }

  /** The same collector with paths below element {@code index} of list {@code field}. */
  public Violations in(String field, int index) {
    return new Violations(path(field) + "[" + index + "]", found);
  }

  /** Records that {@code field} is wrong. */
  public void add(String field, String description) {
    found.add(new FieldViolation(path(field), description));
  }

  /** Records a violation when {@code ok} is false. */
  public void require(boolean ok, String field, String description) {
    if (!ok) {
      add(field, description);
    }
  }

  /** Checks an optional port: 0 (unset) or 1 to 65535. */
  public void optionalPort(int port, String field) {
    require(port >= 0 && port <= 65535, field, "must be 1 to 65535 (or 0 for unset), not " + port);
  }

  /** Checks a required port: 1 to 65535. */
  public void port(int port, String field) {
    require(port >= 1 && port <= 65535, field, "must be 1 to 65535, not " + port);
  }

  /** Checks a duration, when set, lies in [min, max]. */
  public void duration(
      boolean set, Duration value, java.time.Duration min, java.time.Duration max, String field) {
    if (!set) {
      return;
    }
    java.time.Duration d = toJava(value);
    require(
        value.getNanos() >= 0 && value.getNanos() < 1_000_000_000 && !d.isNegative(),
        field,
        "must be a valid, non-negative duration");
    require(
        d.compareTo(min) >= 0 && d.compareTo(max) <= 0,
        field,
        "must be between " + min + " and " + max + ", not " + d);
  }

  /** Checks a reference name, when set, is a valid object name. */
  public void reference(String name, String field) {
    if (!name.isEmpty()) {
      String problem = Names.problem(name);
      require(problem == null, field, "is not an object name: " + problem);
    }
  }

  /** Throws {@link InvalidArgumentException} with everything found, if anything was. */
  public void throwIfAny() {
    if (!found.isEmpty()) {
      throw new InvalidArgumentException(found);
    }
  }

  /** Everything found so far. */
  public List<FieldViolation> list() {
    return List.copyOf(found);
  }

  static java.time.Duration toJava(Duration d) {
    return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  private String path(String field) {
    if (field.isEmpty()) {
      return prefix;
    }
    return prefix.isEmpty() ? field : prefix + "." + field;
  }
}
