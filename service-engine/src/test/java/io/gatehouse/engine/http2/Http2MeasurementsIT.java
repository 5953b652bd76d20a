package io.gatehouse.engine.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.policy.v1.HttpAction;
import io.gatehouse.api.policy.v1.HttpDeny;
import io.gatehouse.api.policy.v1.HttpMatch;
import io.gatehouse.api.policy.v1.HttpRule;
import io.gatehouse.api.policy.v1.MatchOperator;
import io.gatehouse.api.policy.v1.StringMatch;
import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.analytics.ClientLogBuffer;
import io.gatehouse.engine.config.ClientLogPolicy;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.RateLimitConfig;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.testing.H2Client;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import io.gatehouse.engine.timing.TimingComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each HTTP/2 stream is served and measured as an HTTP/1.1 request is: counted, timed by component
 * on its member, logged with its own path and status, judged by the service's HTTP rules, and held
 * to the service's request rate on its own.
 */
@ExtendWith(LeakCheck.class)
class Http2MeasurementsIT {
  private final ClientLogBuffer logs =
      new ClientLogBuffer(ClientLogBuffer.Mode.ALL, Duration.ofSeconds(1), 1000);
  private final ServiceEngine engine =
      new ServiceEngine(Transport.best(), 2, RunningEngine.SETTINGS.withClientLogs(logs));
  private final TestBackend backend = TestBackend.start("web");
  private final int port = RunningEngine.freePort();

  @AfterEach
  void stop() {
    engine.close();
    backend.close();
  }

  private void serve(RateLimitConfig limits, HttpRule... rules) {
    engine.apply(
        EngineConfig.of(
            List.of(
                new VirtualServiceConfig(
                    "web",
                    List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)),
                    "web",
                    null,
                    List.of(),
                    new ClientLogPolicy(true, Instant.now().plusSeconds(3600), null),
                    null,
                    limits,
                    false,
                    List.of(rules))),
            List.of(RunningEngine.pool("web", LbAlgorithm.ROUND_ROBIN, backend.port()))));
  }

  @Test
  void everyStreamIsCountedTimedAndLoggedOnItsOwn() throws Exception {
    serve(RateLimitConfig.NONE);
    try (H2Client client = H2Client.connect(port)) {
      for (int stream = 1; stream <= 9; stream += 2) {
        client.request(stream, "GET", "/hello?n=" + stream, true);
      }
      for (int stream = 1; stream <= 9; stream += 2) {
        assertThat(client.response(stream).status()).isEqualTo(200);
      }
    }
    ServiceStats stats = engine.services().get("web").stats();
    assertThat(stats.requests()).isEqualTo(5);
    assertThat(stats.responses(2)).isEqualTo(5);
    assertThat(stats.connectionsOpened()).isEqualTo(1); // the streams, not connections

    var member = engine.pools().get("web").members().get(0);
    org.awaitility.Awaitility.await()
        .untilAsserted(
            () ->
                assertThat(member.timings().cumulative(TimingComponent.TOTAL).getTotalCount())
                    .isEqualTo(5));
    assertThat(member.timings().cumulative(TimingComponent.APP_RESPONSE).getTotalCount())
        .isEqualTo(5);

    List<ClientLog> kept = new ArrayList<>();
    org.awaitility.Awaitility.await()
        .until(
            () -> {
              for (byte[] log : logs.drain(100)) {
                kept.add(ClientLog.parseFrom(log));
              }
              return kept.size() >= 5;
            });
    assertThat(kept)
        .extracting(ClientLog::getUriQuery)
        .containsExactlyInAnyOrder("n=1", "n=3", "n=5", "n=7", "n=9");
    assertThat(kept)
        .allSatisfy(
            log -> {
              assertThat(log.getStatus()).isEqualTo(200);
              assertThat(log.getUriPath()).isEqualTo("/hello");
              assertThat(log.getTiming().hasTotal()).isTrue();
            });
  }

  @Test
  void theServicesHttpRulesJudgeEachStreamByItsOwnPath() throws Exception {
    serve(
        RateLimitConfig.NONE,
        HttpRule.newBuilder()
            .setName("admin")
            .setMatch(
                HttpMatch.newBuilder()
                    .setPath(
                        StringMatch.newBuilder()
                            .setOperator(MatchOperator.MATCH_OPERATOR_PREFIX)
                            .addValues("/admin")))
            .setAction(HttpAction.newBuilder().setDeny(HttpDeny.getDefaultInstance()))
            .build());
    try (H2Client client = H2Client.connect(port)) {
      client.request(1, "GET", "/admin/users", true);
      client.request(3, "GET", "/hello", true);
      client.request(5, "GET", "/%61dmin", true); // the same path, encoded
      assertThat(client.response(1).status()).isEqualTo(403);
      assertThat(client.response(3).body()).isEqualTo("hello from web");
      assertThat(client.response(5).status()).isEqualTo(403);
    }
    ServiceStats stats = engine.services().get("web").stats();
    assertThat(stats.policyDeniedRequests()).isEqualTo(2);
    assertThat(stats.requests()).isEqualTo(3);
  }

  @Test
  void theServicesRequestRateHoldsStreamByStream() throws Exception {
    serve(new RateLimitConfig(0, 1, 0, 2, 0, 0)); // 1 a second, bursts of 2
    int limited = 0;
    int served = 0;
    try (H2Client client = H2Client.connect(port)) {
      for (int stream = 1; stream <= 11; stream += 2) {
        client.request(stream, "GET", "/hello", true);
      }
      for (int stream = 1; stream <= 11; stream += 2) {
        int status = client.response(stream).status();
        if (status == 429) {
          limited++;
        } else if (status == 200) {
          served++;
        }
      }
    }
    assertThat(served + limited).isEqualTo(6);
    assertThat(limited).isGreaterThanOrEqualTo(3); // six at once, a burst of two (and a refill)
    assertThat(
            engine
                .services()
                .get("web")
                .stats()
                .limitedRequests(ServiceStats.RequestLimit.REQUEST_RATE))
        .isEqualTo(limited);
  }
}
