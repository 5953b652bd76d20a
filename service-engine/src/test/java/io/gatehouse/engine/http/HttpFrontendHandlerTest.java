package io.gatehouse.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.limits.ResourceLimits;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.testing.RunningEngine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client side of HTTP proxying on an embedded channel: what it answers by itself. */
class HttpFrontendHandlerTest {
  private final Pool pool =
      new Pool(
          new PoolConfig(
              "web",
              LbAlgorithm.ROUND_ROBIN,
              List.of(new EndpointConfig("127.0.0.1", 9, 1)),
              Duration.ofSeconds(1)));
  private final VirtualService service = new VirtualService("web", pool);

  private EmbeddedChannel channel() {
    EmbeddedChannel channel =
        new EmbeddedChannel(
            false,
            false,
            new HttpProxyInitializer(
                service,
                RunningEngine.SETTINGS,
                new HttpProxyInitializer.Upstreams(
                    Transport.nio(),
                    RunningEngine.SETTINGS,
                    new io.gatehouse.engine.pool.MemberConnections()),
                false,
                ResourceLimits.defaults()));
    channel.config().setOption(ChannelOption.AUTO_READ, false); // as the engine's listeners
    try {
      channel.register(); // now the handlers see the connection open
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return channel;
  }

  private static String answer(EmbeddedChannel channel) {
    StringBuilder text = new StringBuilder();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      text.append(out.toString(StandardCharsets.US_ASCII));
      out.release();
    }
    return text.toString();
  }

  @Test
  void aRequestForAPoolWithNobodyUpIs503AndTheConnectionStays() {
    pool.members().forEach(m -> m.setHealthy(false));
    EmbeddedChannel channel = channel();

    channel.writeInbound(
        Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: a\r\n\r\n", StandardCharsets.US_ASCII));

    channel.checkException();
    String answer = answer(channel);
    assertThat(answer).startsWith("HTTP/1.1 503").contains("no pool member is up");
    assertThat(channel.isActive()).isTrue();
    assertThat(service.stats().responses(5)).isEqualTo(1);
    channel.finishAndReleaseAll();
  }

  @Test
  void aMalformedRequestIs400AndTheConnectionEnds() {
    EmbeddedChannel channel = channel();

    channel.writeInbound(
        Unpooled.copiedBuffer("GET / HTTP/1.1\r\nBad Header\r\n\r\n", StandardCharsets.US_ASCII));

    assertThat(answer(channel)).startsWith("HTTP/1.1 400");
    assertThat(channel.isActive()).isFalse();
    channel.finishAndReleaseAll();
  }
}
