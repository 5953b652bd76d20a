package io.gatehouse.engine.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.Significance;
import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.ClientLogPolicy;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A virtual service's analytics policy decides its client logs: its significant latency says what
 * is slow for it, its full client logs end when the policy says, and without client insights a log
 * does not name its client.
 */
@ExtendWith(LeakCheck.class)
class ClientLogPolicyIT {
  private final ClientLogBuffer logs =
      new ClientLogBuffer(ClientLogBuffer.Mode.SIGNIFICANT, Duration.ofSeconds(1), 1000);

  private ServiceEngine engine() {
    return new ServiceEngine(Transport.best(), 2, RunningEngine.SETTINGS.withClientLogs(logs));
  }

  private static EngineConfig service(int port, int member, ClientLogPolicy policy) {
    return EngineConfig.of(
        List.of(
            new VirtualServiceConfig(
                "web",
                List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)),
                "web",
                null,
                null,
                policy)),
        List.of(RunningEngine.pool("web", LbAlgorithm.ROUND_ROBIN, member)));
  }

  @Test
  void aRequestSlowerThanTheServicesSignificantLatencyIsLoggedAsSlow() throws Exception {
    ServiceEngine engine = engine();
    try (TestBackend app = TestBackend.start("app")) {
      int port = RunningEngine.freePort();
      engine.apply(
          service(port, app.port(), new ClientLogPolicy(false, null, Duration.ofMillis(300))));

      get(port, "/slow?ms=600");
      get(port, "/hello"); // fast: not significant

      List<ClientLog> kept = untilMarked(port);
      assertThat(kept).hasSize(1);
      assertThat(kept.get(0).getSignificance()).isEqualTo(Significance.SIGNIFICANCE_SLOW);
      assertThat(kept.get(0).getUriPath()).isEqualTo("/slow");
    } finally {
      engine.close();
    }
  }

  @Test
  void fullClientLogsEndWhenThePolicySays() throws Exception {
    ServiceEngine engine = engine();
    try (TestBackend app = TestBackend.start("app")) {
      int port = RunningEngine.freePort();
      engine.apply(
          service(
              port, app.port(), new ClientLogPolicy(true, Instant.now().plusSeconds(3600), null)));
      get(port, "/hello");
      assertThat(untilMarked(port)).extracting(ClientLog::getUriPath).containsExactly("/hello");

      engine.apply(
          service(
              port, app.port(), new ClientLogPolicy(true, Instant.now().minusSeconds(1), null)));
      get(port, "/hello");
      assertThat(untilMarked(port)).as("ended: significant requests only").isEmpty();
    } finally {
      engine.close();
    }
  }

  @Test
  void withoutClientInsightsALogKeepsTheRequestButNamesNoClient() throws Exception {
    ServiceEngine engine = engine();
    try (TestBackend app = TestBackend.start("app")) {
      int port = RunningEngine.freePort();
      engine.apply(service(port, app.port(), new ClientLogPolicy(true, null, null)));
      get(port, "/hello");
      assertThat(untilMarked(port))
          .singleElement()
          .satisfies(
              log -> {
                assertThat(log.getClientIp()).isEqualTo("127.0.0.1");
                assertThat(log.getUserAgent()).startsWith("Java-http-client");
              });

      engine.apply(service(port, app.port(), new ClientLogPolicy(true, null, null, false)));
      get(port, "/hello");
      assertThat(untilMarked(port))
          .singleElement()
          .satisfies(
              log -> {
                assertThat(log.getUriPath()).isEqualTo("/hello");
                assertThat(log.getStatus()).isEqualTo(200);
                assertThat(log.hasTiming()).isTrue();
                assertThat(log.getClientIp()).isEmpty();
                assertThat(log.getUserAgent()).isEmpty();
              });
    } finally {
      engine.close();
    }
  }

  private final HttpClient client = HttpClient.newHttpClient();

  private void get(int port, String path) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isIn(200, 404);
  }

  /**
   * The logs of the requests sent so far: a request that is always logged (a 404) follows them on
   * the same connection, and once its log is in, theirs were decided.
   */
  private List<ClientLog> untilMarked(int port) throws Exception {
    get(port, "/mark");
    List<ClientLog> all = new ArrayList<>();
    org.awaitility.Awaitility.await()
        .until(
            () -> {
              for (byte[] log : logs.drain(1000)) {
                all.add(ClientLog.parseFrom(log));
              }
              return all.stream().anyMatch(l -> l.getUriPath().equals("/mark"));
            });
    return all.stream().filter(l -> !l.getUriPath().equals("/mark")).toList();
  }
}
