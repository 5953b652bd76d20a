package io.gatehouse.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The recorded Marathon, Mesos and Fleet responses kept in {@code shared/fixtures} beside the
 * project checkout. They are read in place and never copied into the project. Tests that need them
 * call {@link #require()} and are skipped, with a message saying where they were looked for, when
 * they are absent (under CI they fail: see {@link Prerequisites}).
 */
public final class SharedFixtures {
  /** Overrides the location, e.g. {@code GATEHOUSE_FIXTURES=/path/to/shared/fixtures}. */
  public static final String ENVIRONMENT = "GATEHOUSE_FIXTURES";

  private SharedFixtures() {}

  /** The fixtures folder; skips the calling test (fails it under CI) when it does not exist. */
  public static Path require() {
    Path root = root();
    Prerequisites.require(
        Files.isDirectory(root),
        () ->
            "shared fixtures not found at "
                + root
                + " (check out shared/ beside the project, or set "
                + ENVIRONMENT
                + ")");
    return root;
  }

  /** Resolves a path inside the fixtures folder; skips the calling test when it does not exist. */
  public static Path require(String relative) {
    Path path = require().resolve(relative);
    Prerequisites.require(Files.exists(path), () -> "shared fixture " + path + " not found");
    return path;
  }

  /**
   * Where the fixtures are expected: {@value #ENVIRONMENT}, else shared/fixtures beside the
   * checkout.
   */
  public static Path root() {
    String configured = System.getenv(ENVIRONMENT);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    return checkoutRoot().resolveSibling("shared").resolve("fixtures");
  }

  /** The project checkout: the nearest folder at or above the working directory with mvnw. */
  static Path checkoutRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    return start;
  }
}
