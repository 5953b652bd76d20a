package io.gatehouse.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.PoolConfig;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PassiveEjectionTest {

  @Test
  void anEjectionSaysWhyTheLastConnectionFailedOnOneBoundedPrintableLine() {
    Pool pool =
        new Pool(
            new PoolConfig(
                "orders",
                LbAlgorithm.ROUND_ROBIN,
                List.of(new EndpointConfig("127.0.0.1", 8443, 1)),
                Duration.ofSeconds(1)));
    Endpoint member = pool.members().get(0);
    Logger logger = (Logger) LoggerFactory.getLogger(Pool.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      // what a member's certificate may put in a message: a new line, an escape, a long name
      Exception cause =
          new io.netty.handler.codec.DecoderException(
              new SSLHandshakeException(
                  "No name matching orders.internal\u001b[31m found"
                      + "x".repeat(500)
                      + "\nforged"));
      pool.connectFailed(member, cause);
      pool.connectFailed(member, cause);
      assertThat(logs.list).isEmpty(); // three in a row eject
      pool.connectFailed(member, cause);
    } finally {
      logger.detachAppender(logs);
    }
    assertThat(logs.list).hasSize(1);
    String line = logs.list.get(0).getFormattedMessage();
    assertThat(line)
        .contains("member 127.0.0.1:8443 ejected")
        .contains("(the last: No name matching orders.internal?[31m found")
        .doesNotContain("\n")
        .doesNotContain("forged")
        .doesNotContain("\u001b");
    assertThat(line.length()).isLessThan(450);
  }
}
