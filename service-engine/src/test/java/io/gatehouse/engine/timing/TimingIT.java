package io.gatehouse.engine.timing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every proxied request is timed, per virtual service and per member. */
@ExtendWith(LeakCheck.class)
class TimingIT {
  @Test
  void eachRequestIsTimedByComponentForItsServiceAndItsMember() throws Exception {
    ServiceEngine engine = RunningEngine.start();
    try (TestBackend a = TestBackend.start("a");
        TestBackend b = TestBackend.start("b")) {
      int port = RunningEngine.freePort();
      engine.apply(
          RunningEngine.oneService(
              "web", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, a.port(), b.port()));
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 10; i++) {
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bytes?n=200000"))
                .build(),
            HttpResponse.BodyHandlers.discarding());
      }

      // cumulative figures take in each second as the collector closes it: however the
      // requests fell across seconds, all ten are there once it has
      RequestTimings web = engine.services().get("web").timings();
      org.awaitility.Awaitility.await()
          .until(() -> web.cumulative(TimingComponent.TOTAL).getTotalCount() == 10);
      assertThat(web.cumulative(TimingComponent.APP_RESPONSE).getTotalCount()).isEqualTo(10);
      assertThat(web.cumulative(TimingComponent.DATA_TRANSFER).getTotalCount()).isEqualTo(10);
      assertThat(web.cumulative(TimingComponent.TOTAL).getMaxValue())
          .isGreaterThanOrEqualTo(web.cumulative(TimingComponent.APP_RESPONSE).getMinValue());
      if (engine.transportName().equals("epoll")) {
        // the handshakes of the connections each request used
        assertThat(web.cumulative(TimingComponent.CLIENT_RTT).getTotalCount()).isEqualTo(10);
        assertThat(web.cumulative(TimingComponent.SERVER_RTT).getTotalCount()).isEqualTo(10);
      }
      long byMembers =
          engine.pools().get("web").members().stream()
              .mapToLong(m -> m.timings().cumulative(TimingComponent.TOTAL).getTotalCount())
              .sum();
      assertThat(byMembers).isEqualTo(10);
    } finally {
      engine.close();
    }
  }

  /**
   * Ground truth for the breakdown: a member that takes 40 ms to answer is a slow app, never a slow
   * network. The kernel's smoothed RTT of a kept member connection learns the member's delayed ACK,
   * which rides on its slow answer; the handshake's round trip does not.
   */
  @Test
  void aSlowAppShowsAsAppResponseWhileBothRoundTripsStayAtLoopbackValues() throws Exception {
    ServiceEngine engine = RunningEngine.start();
    try (TestBackend a = TestBackend.start("a")) {
      int port = RunningEngine.freePort();
      engine.apply(
          RunningEngine.oneService("web", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, a.port()));
      HttpClient client = HttpClient.newHttpClient();
      int requests = 100; // the kernel's estimate used to be read on the 1st and the 65th
      for (int i = 0; i < requests; i++) {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow?ms=40"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
      }

      RequestTimings web = engine.services().get("web").timings(); // since start, all intervals
      // the cumulative figures take in each second as the collector closes it
      org.awaitility.Awaitility.await()
          .until(() -> web.cumulative(TimingComponent.TOTAL).getTotalCount() == requests);

      Histogram app = web.cumulative(TimingComponent.APP_RESPONSE);
      assertThat(app.getTotalCount()).isEqualTo(requests);
      assertThat(app.getValueAtPercentile(50))
          .as("app response p50, µs")
          .isBetween(40_000L, 60_000L);
      if (engine.transportName().equals("epoll")) {
        Histogram server = web.cumulative(TimingComponent.SERVER_RTT);
        Histogram clientRtt = web.cumulative(TimingComponent.CLIENT_RTT);
        assertThat(server.getTotalCount()).as("a server RTT for every request").isEqualTo(requests);
        assertThat(clientRtt.getTotalCount()).isEqualTo(requests);
        assertThat(server.getMaxValue()).as("server RTT, µs: loopback").isLessThan(10_000);
        assertThat(clientRtt.getMaxValue()).as("client RTT, µs: loopback").isLessThan(10_000);
      }
    } finally {
      engine.close();
    }
  }
}
