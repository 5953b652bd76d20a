package io.gatehouse.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class when Netty reports a leaked buffer. Reports come from the leak detector when
 * it finds a collected buffer that was never released, so after the tests the check collects
 * garbage and allocates a little to make it look.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
  private final List<String> leaks = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          if (event.getFormattedMessage().contains("LEAK:")) {
            leaks.add(event.getFormattedMessage());
          }
        }
      };

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    assertNoLeaks();
  }

  /** Starts watching, for test engines without Jupiter's extensions (jqwik's containers). */
  public static LeakCheck watching() {
    LeakCheck check = new LeakCheck();
    check.start();
    return check;
  }

  private void start() {
    assertThat(ResourceLeakDetector.getLevel())
        .as("tests run with -Dio.netty.leakDetection.level=paranoid")
        .isEqualTo(ResourceLeakDetector.Level.PARANOID);
    appender.start();
    logger().addAppender(appender);
  }

  /** Stops watching; fails when a leak was reported meanwhile. */
  public void assertNoLeaks() {
    for (int round = 0; round < 10; round++) {
      System.gc(); // unreleased buffers become collectable; each new allocation looks for them
      for (int i = 0; i < 256; i++) {
        ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        probe.release();
      }
    }
    logger().detachAppender(appender);
    assertThat(leaks).as("Netty buffer leaks").isEmpty();
  }

  private static Logger logger() {
    return (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
  }
}
