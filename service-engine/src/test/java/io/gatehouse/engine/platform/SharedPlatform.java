package io.gatehouse.engine.platform;

import io.gatehouse.testsupport.TestPlatform;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The platform the platform tests of this module share, started once for the test run on first use
 * (about 20 s of JVM starts saved per test class) and stopped at its end: analytics-svc with the
 * autoscaler, and one service engine, {@value #ENGINE}, started here and reporting to it. A test
 * class takes it as a {@code TestPlatform} parameter under
 * {@code @ExtendWith(SharedPlatform.class)} and keeps to apps of its own.
 */
final class SharedPlatform implements ParameterResolver {
  static final String ENGINE = "se-shared";
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedPlatform.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestPlatform.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // the root store closes what it holds (an AutoCloseable) when the whole run ends
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            TestPlatform.class,
            key -> TestPlatform.builder().analytics().engine(ENGINE).start(),
            TestPlatform.class);
  }
}
