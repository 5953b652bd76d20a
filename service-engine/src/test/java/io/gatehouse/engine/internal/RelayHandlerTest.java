package io.gatehouse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RelayHandlerTest {
  @Test
  void bytesGoToThePeerCountedAndOtherMessagesAreReleased() {
    EmbeddedChannel peer = new EmbeddedChannel();
    AtomicLong relayed = new AtomicLong();
    EmbeddedChannel side =
        new EmbeddedChannel(new RelayHandler(peer, relayed::addAndGet, () -> {}));

    side.writeInbound(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
    LastHttpContent marker = new io.netty.handler.codec.http.DefaultLastHttpContent();
    side.writeInbound(marker);

    ByteBuf out = peer.readOutbound();
    assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
    out.release();
    assertThat(relayed.get()).isEqualTo(5);
    assertThat(marker.refCnt()).isZero();
    assertThat(peer.outboundMessages()).isEmpty();
  }

  @Test
  void aClosedSideClosesItsPeerAndSaysSo() {
    EmbeddedChannel peer = new EmbeddedChannel();
    AtomicBoolean closed = new AtomicBoolean();
    EmbeddedChannel side =
        new EmbeddedChannel(new RelayHandler(peer, n -> {}, () -> closed.set(true)));

    side.close();
    peer.runPendingTasks();

    assertThat(closed).isTrue();
    assertThat(peer.isActive()).isFalse();
  }

  @Test
  void bytesForAPeerThatIsGoneAreReleasedAndTheSideCloses() {
    EmbeddedChannel peer = new EmbeddedChannel();
    peer.close();
    EmbeddedChannel side = new EmbeddedChannel(new RelayHandler(peer, n -> {}, () -> {}));
    ByteBuf data = Unpooled.copiedBuffer("late", StandardCharsets.US_ASCII);

    side.writeInbound(data);

    assertThat(data.refCnt()).isZero();
    assertThat(side.isActive()).isFalse();
  }
}
