package io.gatehouse.policy.internal;

import com.google.rpc.Code;
import java.util.List;

/**
 * The store's state forbids the call until something else changes. Maps to FAILED_PRECONDITION +
 * PreconditionFailure, one violation per subject.
 */
public final class PreconditionException extends PolicyException {
  /** Another object refers to the one being deleted. */
  public static final String REFERENCED = "REFERENCED";

  /** The object belongs to a Marathon app; its labels are the source of truth. */
  public static final String MARATHON_OWNED = "MARATHON_OWNED";

  /** The object belongs to another Marathon app; one app's labels may not replace it. */
  public static final String OTHER_APP = "OWNED_BY_ANOTHER_APP";

  /** The object belongs to the API; a Marathon-derived write may not replace it. */
  public static final String API_OWNED = "API_OWNED";

  /** The object is built in and cannot be deleted. */
  public static final String BUILT_IN = "BUILT_IN";

  /** One unmet condition. */
  public record Violation(String type, String subject, String description) {}

  private final List<Violation> violations;

  public PreconditionException(String message, List<Violation> violations) {
    super(Code.FAILED_PRECONDITION, message);
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
