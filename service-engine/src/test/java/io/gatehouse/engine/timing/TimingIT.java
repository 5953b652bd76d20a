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
      engine.timing().collect(); // start from an empty interval
      for (int i = 0; i < 10; i++) {
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bytes?n=200000"))
                .build(),
            HttpResponse.BodyHandlers.discarding());
      }

      TimingCollector.Interval interval = engine.timing().collect();

      Histogram[] web = interval.services().get("web");
      assertThat(web[TimingComponent.TOTAL.ordinal()].getTotalCount()).isEqualTo(10);
      assertThat(web[TimingComponent.APP_RESPONSE.ordinal()].getTotalCount()).isEqualTo(10);
      assertThat(web[TimingComponent.DATA_TRANSFER.ordinal()].getTotalCount()).isEqualTo(10);
      assertThat(web[TimingComponent.TOTAL.ordinal()].getMaxValue())
          .isGreaterThanOrEqualTo(web[TimingComponent.APP_RESPONSE.ordinal()].getMinValue());
      if (engine.transportName().equals("epoll")) {
        // sampled on a connection's first request: one client connection, one per member
        assertThat(web[TimingComponent.CLIENT_RTT.ordinal()].getTotalCount()).isPositive();
        assertThat(web[TimingComponent.SERVER_RTT.ordinal()].getTotalCount()).isPositive();
      }
      long byMembers =
          interval.members().entrySet().stream()
              .filter(e -> e.getKey().startsWith("web/"))
              .mapToLong(e -> e.getValue()[TimingComponent.TOTAL.ordinal()].getTotalCount())
              .sum();
      assertThat(byMembers).isEqualTo(10);
      assertThat(
              engine
                  .services()
                  .get("web")
                  .timings()
                  .cumulative(TimingComponent.TOTAL)
                  .getTotalCount())
          .isEqualTo(10);
    } finally {
      engine.close();
    }
  }
}
