package io.gatehouse.testsupport;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.function.Supplier;

/**
 * What a test needs from its machine (the shared fixtures, a module's jar, a program): when it is
 * missing the test is skipped on a developer's machine, but fails under CI ({@code CI=true}, which
 * {@code .ci/run} sets), where everything is installed: there a skip would only hide that coverage
 * shrank.
 */
public final class Prerequisites {
  /** The environment variable that marks a CI run. */
  public static final String CI = "CI";

  private Prerequisites() {}

  /** Skips the calling test, or fails it under CI, unless {@code present}. */
  public static void require(boolean present, Supplier<String> missing) {
    require(present, missing, underCi());
  }

  static void require(boolean present, Supplier<String> missing, boolean ci) {
    if (present) {
      return;
    }
    if (ci) {
      fail(missing.get() + " (" + CI + "=true: a missing prerequisite fails the test)");
    }
    assumeTrue(false, () -> missing.get() + "; skipping");
  }

  /** Whether this is a CI run. */
  public static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv(CI));
  }
}
