package io.gatehouse.engine.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.testing.H2Client;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RecordingMember;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import io.netty.handler.codec.http2.Http2Error;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a hostile HTTP/2 client cannot make the engine do: each attack ends its connection (GOAWAY
 * with the error, counted per virtual service) or is held by flow control, and nothing of it
 * reaches a member.
 */
@ExtendWith(LeakCheck.class)
class Http2AttacksIT {
  private final int port = RunningEngine.freePort();
  private final RecordingMember member;
  private final ServiceEngine engine;

  Http2AttacksIT() throws Exception {
    member = new RecordingMember();
    engine = RunningEngine.serving(port, member.port());
  }

  @AfterEach
  void stop() throws Exception {
    engine.close();
    member.close();
  }

  private ServiceStats stats() {
    return engine.services().get("web").stats();
  }

  @Test
  void rapidResetEndsTheConnection() throws Exception {
    try (H2Client client = H2Client.connect(port)) {
      byte[][] block = new byte[1][];
      client.closedWhileSending(
          i -> {
            int stream = 2 * i + 1;
            try {
              block[0] = client.headerBlock("GET", "/", "web");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(
                H2Client.bytes(H2Client.HEADERS, H2Client.END_HEADERS, stream, block[0]));
            both.writeBytes(
                H2Client.bytes(
                    H2Client.RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(8).array()));
            return both.toByteArray();
          },
          1000);
      H2Client.Frame goAway = client.goAway();
      assertThat(goAway).isNotNull();
      assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
    }
    await().until(() -> stats().http2ConnectionErrors(Http2Error.ENHANCE_YOUR_CALM) == 1);
  }

  @Test
  void streamsTheEngineMustResetEndTheConnectionToo() throws Exception {
    // MadeYouReset (CVE-2025-8671): requests the engine refuses stream by stream (a
    // connection-specific header is malformed in HTTP/2), so that the resets are the engine's
    try (H2Client client = H2Client.connect(port)) {
      byte[] refused = client.headerBlock("GET", "/", "web", "connection", "keep-alive");
      client.closedWhileSending(
          i -> H2Client.bytes(H2Client.HEADERS, H2Client.END_HEADERS, 2 * i + 1, refused), 1000);
      H2Client.Frame goAway = client.goAway();
      assertThat(goAway).isNotNull();
      assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
    }
    await().until(() -> stats().http2ConnectionErrors(Http2Error.ENHANCE_YOUR_CALM) == 1);
    assertThat(member.requests()).isEmpty();
  }

  @Test
  void aContinuationFloodEndsTheConnectionBeforeItsBlockIsWhole() throws Exception {
    try (H2Client client = H2Client.connect(port)) {
      byte[] start = client.headerBlock("GET", "/", "web");
      client.frame(H2Client.HEADERS, 0, 1, start); // no END_HEADERS: a block that never ends
      byte[] junk = new byte[16_384];
      boolean closed =
          client.closedWhileSending(
              i -> H2Client.bytes(H2Client.CONTINUATION, 0, 1, junk), 1_000); // 16 MB
      H2Client.Frame goAway = client.goAway();
      assertThat(closed || goAway != null).isTrue();
      if (goAway != null) {
        assertThat(goAway.errorCode()).isNotEqualTo(Http2Error.NO_ERROR.code());
      }
    }
    await().until(() -> errors() == 1);
    assertThat(member.requests()).isEmpty();
  }

  @Test
  void anHpackBombIsRefusedAndNeverReachesAMember() throws Exception {
    try (H2Client client = H2Client.connect(port)) {
      ByteArrayOutputStream block = new ByteArrayOutputStream();
      block.writeBytes(client.headerBlock("GET", "/", "web"));
      // a 4,000-byte header into the dynamic table, then 200 one-byte references to it: 4 KB
      // that decode to 800 KB
      block.write(0x40);
      block.write(4);
      block.writeBytes("x-ab".getBytes());
      block.writeBytes(new byte[] {0x7f, (byte) 0xa1, 0x1e}); // 4,000 (HPACK integer)
      block.writeBytes("a".repeat(4000).getBytes());
      for (int i = 0; i < 200; i++) {
        block.write(0x80 | 62); // the newest dynamic entry
      }
      client.frame(
          H2Client.HEADERS, H2Client.END_HEADERS | H2Client.END_STREAM, 1, block.toByteArray());
      H2Client.Frame end;
      do {
        end = client.next();
      } while (end != null && end.type() != H2Client.GOAWAY && end.type() != H2Client.RST_STREAM);
      assertThat(end).as("the stream or the connection ends").isNotNull();
    }
    assertThat(member.requests()).isEmpty();
  }

  @Test
  void floodsOfPingsOrSettingsEndTheConnection() throws Exception {
    for (int type : new int[] {H2Client.PING, H2Client.SETTINGS}) {
      try (H2Client client = H2Client.connect(port)) {
        byte[] payload = type == H2Client.PING ? new byte[8] : new byte[0];
        client.closedWhileSending(i -> H2Client.bytes(type, 0, 0, payload), 5_000);
        H2Client.Frame goAway = client.goAway();
        assertThat(goAway).as("type " + type).isNotNull();
        assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
      }
    }
    await().until(() -> stats().http2ConnectionErrors(Http2Error.ENHANCE_YOUR_CALM) == 2);
  }

  @Test
  void aStreamThatNeverReadsHoldsTheMemberBackInsteadOfFillingMemory() throws Exception {
    int bigPort = RunningEngine.freePort();
    try (TestBackend big = TestBackend.start("big");
        ServiceEngine bigEngine = RunningEngine.serving(bigPort, big.port())) {
      try (H2Client client = H2Client.connect(bigPort, 0x4, 0)) { // a window of nothing
        client.request(1, "GET", "/bytes?n=50000000", true);
        ServiceStats bigStats = bigEngine.services().get("web").stats();
        await().until(() -> bigStats.responses(2) == 1); // the member answers
        await()
            .during(Duration.ofMillis(500))
            .atMost(Duration.ofSeconds(5))
            .until(() -> bigStats.bytesOut() < 2_000_000); // of 50 MB
      }
    }
  }

  private long errors() {
    long n = 0;
    for (Http2Error error : Http2Error.values()) {
      n += stats().http2ConnectionErrors(error);
    }
    return n;
  }
}
