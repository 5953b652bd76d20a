package io.gatehouse.testsupport;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Awaitility as every module's tests use it: a condition is first checked at once, not after a poll
 * interval (Awaitility's default waits 100 ms before its first look, which hundreds of waits for
 * what is already true add up to minutes of the suite). Registered with the JUnit Platform
 * launcher, so it holds for every test of a JVM whose classpath has test-support.
 */
public final class AwaitilityDefaults implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.ignoreExceptionsByDefault();
  }
}
