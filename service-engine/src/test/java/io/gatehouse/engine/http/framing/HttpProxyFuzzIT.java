package io.gatehouse.engine.http.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RecordingMember;
import io.gatehouse.engine.testing.RunningEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile client traffic from {@link RequestGrammar} through a running engine to a member that
 * reads requests by the strictest reading of RFC 9112 ({@link RecordingMember}). Whatever a client
 * sends: the member never sees an ambiguous request, never more requests than the engine parsed,
 * and every client connection ends (each try sends its bytes, ends its output, and reads until the
 * engine closes).
 */
class HttpProxyFuzzIT {
  private static LeakCheck leaks;
  private static RecordingMember member;
  private static ServiceEngine engine;
  private static int port;

  @BeforeContainer
  static void start() throws IOException {
    leaks = LeakCheck.watching();
    member = new RecordingMember();
    port = RunningEngine.freePort();
    engine = RunningEngine.serving(port, member.port());
  }

  @AfterContainer
  static void stop() throws IOException {
    engine.close();
    member.close();
    leaks.assertNoLeaks();
  }

  @Provide
  Arbitrary<List<byte[]>> requests() {
    return RequestGrammar.requestStreams();
  }

  @Property(tries = 300)
  void noClientTrafficPutsAnAmbiguousOrUnparsedRequestOnAMember(
      @ForAll("requests") List<byte[]> segments) throws IOException {
    ServiceStats stats = engine.services().get("web").stats();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      try {
        for (byte[] segment : segments) {
          out.write(segment);
          out.flush();
        }
        socket.shutdownOutput();
        socket.getInputStream().readAllBytes(); // until the engine closes
      } catch (SocketException reset) {
        // the engine reset a connection it refused: an end like any other
      }
    }
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> stats.connectionsOpen() == 0);
    assertThat(member.violations()).as("ambiguous requests the member saw").isZero();
    // a request is counted when the engine has parsed its head, before it goes up
    assertThat((long) member.requests().size()).isLessThanOrEqualTo(stats.requests());
  }
}
