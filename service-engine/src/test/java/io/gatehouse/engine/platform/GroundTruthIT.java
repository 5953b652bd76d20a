package io.gatehouse.engine.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.ComponentLatency;
import io.gatehouse.api.analytics.v1.GetLatencyRequest;
import io.gatehouse.api.analytics.v1.Metric;
import io.gatehouse.api.analytics.v1.Target;
import io.gatehouse.api.analytics.v1.TimingComponent;
import io.gatehouse.engine.testing.PacedMember;
import io.gatehouse.engine.testing.TestBackend;
import io.gatehouse.testsupport.AnalyticsServiceProcess;
import io.gatehouse.testsupport.SeManagerProcess;
import io.gatehouse.testsupport.ServiceJar;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The timing breakdown against ground truth, through the whole path: a service engine process
 * serving real traffic, its figures in analytics-svc, read back with the query API. A member that
 * answers after a known delay is app response; a member that streams at a known pace is data
 * transfer; a client that reads slowly is data transfer; neither moves the round trips off their
 * loopback values; errors and requests are counted exactly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroundTruthIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long MS = 1_000_000; // nanoseconds

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private PacedMember paced;
  private TestBackend app;
  private AnalyticsServiceProcess analytics;
  private ServiceJar engine;
  private ManagedChannel channel;
  private AnalyticsQueryGrpc.AnalyticsQueryBlockingStub query;
  private final Map<String, Integer> ports =
      Map.of(
          "slow-app", ServiceJar.freePort(),
          "stream", ServiceJar.freePort(),
          "reader", ServiceJar.freePort(),
          "errors", ServiceJar.freePort());
  private final Instant began = Instant.now().minusSeconds(5);

  @BeforeAll
  void start() throws Exception {
    paced = new PacedMember();
    app = TestBackend.start("app");
    analytics = AnalyticsServiceProcess.start();
    StringBuilder config = new StringBuilder("virtual_services:\n");
    ports.forEach(
        (name, port) ->
            config
                .append("  - name: ")
                .append(name)
                .append("\n    listeners: [{address: 127.0.0.1, port: ")
                .append(port)
                .append("}]\n    pool: ")
                .append(name.equals("reader") ? "app" : "paced")
                .append('\n'));
    config
        .append("pools:\n")
        .append("  - name: paced\n    endpoints: [{address: 127.0.0.1, port: ")
        .append(paced.port())
        .append("}]\n")
        .append("  - name: app\n    endpoints: [{address: 127.0.0.1, port: ")
        .append(app.port())
        .append("}]\n");
    Path file = Files.createTempFile("ground-truth", ".yaml");
    Files.writeString(file, config);
    engine =
        ServiceJar.start(
                "service-engine",
                List.of(
                    "--config=" + file,
                    "--admin=127.0.0.1:" + ServiceJar.freePort(),
                    "--analytics=" + analytics.target(),
                    "--control-plaintext",
                    "--se-id=se-ground-truth"),
                Map.of("GATEHOUSE_SE_TOKEN", SeManagerProcess.ENGINE))
            .awaitPort(ports.get("errors"), WAIT);
    channel = NettyChannelBuilder.forTarget(analytics.target()).usePlaintext().build();
    query = AnalyticsQueryGrpc.newBlockingStub(PlatformCalls.asOperator(channel));
  }

  @AfterAll
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    for (AutoCloseable c : new AutoCloseable[] {engine, analytics, app, paced}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // closing what a failed start left
      }
    }
  }

  @Test
  void aMemberThatAnswersAfter80MsIsAppResponseWhileTheRoundTripsStayAtLoopback() throws Exception {
    int requests = 60;
    for (int i = 0; i < requests; i++) {
      assertThat(get("slow-app", "/slow?ms=80")).isEqualTo(200);
    }

    Map<TimingComponent, ComponentLatency> latency = latency("slow-app", requests);
    assertWithin(latency, TimingComponent.TIMING_COMPONENT_APP_RESPONSE, 50, 80 * MS, 100 * MS);
    assertWithin(latency, TimingComponent.TIMING_COMPONENT_APP_RESPONSE, 99, 80 * MS, 140 * MS);
    assertWithin(latency, TimingComponent.TIMING_COMPONENT_TOTAL, 50, 80 * MS, 100 * MS);
    assertWithin(latency, TimingComponent.TIMING_COMPONENT_DATA_TRANSFER, 99, 0, 10 * MS);
    // a slow app is not a slow network: the handshakes' round trips, where the kernel gives them
    for (TimingComponent rtt :
        List.of(
            TimingComponent.TIMING_COMPONENT_CLIENT_RTT,
            TimingComponent.TIMING_COMPONENT_SERVER_RTT)) {
      if (latency.get(rtt).getCount() > 0) {
        assertWithin(latency, rtt, 99, 0, 5 * MS);
      }
    }
  }

  @Test
  void aMemberThatStreamsForAKnownTimeIsDataTransfer() throws Exception {
    int requests = 8;
    for (int i = 0; i < requests; i++) {
      assertThat(get("stream", "/stream?chunks=11&ms=40")).isEqualTo(200); // 400 ms of body
    }

    Map<TimingComponent, ComponentLatency> latency = latency("stream", requests);
    assertWithin(latency, TimingComponent.TIMING_COMPONENT_DATA_TRANSFER, 50, 400 * MS, 460 * MS);
    assertWithin(latency, TimingComponent.TIMING_COMPONENT_DATA_TRANSFER, 99, 400 * MS, 520 * MS);
    assertWithin(latency, TimingComponent.TIMING_COMPONENT_APP_RESPONSE, 99, 0, 40 * MS);
  }

  @Test
  void aClientThatReadsSlowlyIsDataTransferNotAppResponse() throws Exception {
    int requests = 3;
    long[] readNanos = new long[requests];
    for (int i = 0; i < requests; i++) {
      readNanos[i] = readSlowly(ports.get("reader"), 32 << 20, 32 << 20); // 32 MiB at 32 MiB/s
    }
    long truth = java.util.Arrays.stream(readNanos).sorted().toArray()[1];

    Map<TimingComponent, ComponentLatency> latency = latency("reader", requests);
    // the last bytes handed to the client may wait in the kernel's buffers (a few MiB) when the
    // engine counts them sent: the figure is the reading time less what those buffers hold
    assertWithin(
        latency,
        TimingComponent.TIMING_COMPONENT_DATA_TRANSFER,
        50,
        (long) (truth * 0.6),
        (long) (truth * 1.1));
    assertWithin(latency, TimingComponent.TIMING_COMPONENT_APP_RESPONSE, 99, 0, 50 * MS);
  }

  @Test
  void errorsAndRequestsAreCountedExactly() throws Exception {
    for (int i = 0; i < 200; i++) {
      int status = get("errors", i % 10 == 0 ? "/error" : "/");
      assertThat(status).isEqualTo(i % 10 == 0 ? 503 : 200);
    }

    await()
        .atMost(WAIT)
        .until(() -> PlatformCalls.total(query, "errors", Metric.METRIC_REQUESTS, began) == 200);
    await()
        .atMost(WAIT)
        .until(() -> PlatformCalls.total(query, "errors", Metric.METRIC_ERRORS_5XX, began) == 20);
    assertThat(PlatformCalls.total(query, "errors", Metric.METRIC_REQUESTS, began)).isEqualTo(200);
    assertThat(PlatformCalls.total(query, "errors", Metric.METRIC_ERRORS_5XX, began)).isEqualTo(20);
  }

  /** Reads a {@code bytes} response at {@code perSecond}; the time from its head to its end. */
  private static long readSlowly(int port, int bytes, int perSecond) throws Exception {
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(64 * 1024); // a small window: the reader sets the pace
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /bytes?n=" + bytes + " HTTP/1.1\r\nHost: ground-truth\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      long headAt = 0;
      long start = System.nanoTime();
      int read;
      while ((read = in.read(buffer)) >= 0) {
        if (headAt == 0) {
          headAt = System.nanoTime();
        }
        total += read;
        long due = start + (long) (total * 1e9 / perSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait); // the pace of a slow reader, not a test's wait
        }
      }
      assertThat(total).isGreaterThan(bytes);
      return System.nanoTime() - headAt;
    }
  }

  private int get(String service, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(service) + path))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Each component's latency of {@code service}, once all {@code requests} are in. */
  private Map<TimingComponent, ComponentLatency> latency(String service, int requests) {
    GetLatencyRequest request =
        GetLatencyRequest.newBuilder()
            .setTarget(Target.newBuilder().setVirtualService(service))
            .setRange(PlatformCalls.since(began))
            .addPercentiles(50)
            .addPercentiles(99)
            .build();
    await()
        .atMost(WAIT)
        .until(
            () ->
                components(request).get(TimingComponent.TIMING_COMPONENT_TOTAL).getCount()
                    == requests);
    return components(request);
  }

  private Map<TimingComponent, ComponentLatency> components(GetLatencyRequest request) {
    Map<TimingComponent, ComponentLatency> all = new java.util.EnumMap<>(TimingComponent.class);
    query
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getLatency(request)
        .getComponentsList()
        .forEach(c -> all.put(c.getComponent(), c));
    return all;
  }

  private static void assertWithin(
      Map<TimingComponent, ComponentLatency> latency,
      TimingComponent component,
      double percentile,
      long fromNanos,
      long toNanos) {
    com.google.protobuf.Duration value =
        latency.get(component).getPercentilesList().stream()
            .filter(p -> p.getPercentile() == percentile)
            .findFirst()
            .orElseThrow()
            .getValue();
    long nanos = value.getSeconds() * 1_000_000_000L + value.getNanos();
    assertThat(nanos)
        .as("%s p%s = %.1f ms; all: %s", component, percentile, nanos / 1e6, summary(latency))
        .isBetween(fromNanos, toNanos);
  }

  /** Every component's percentiles in ms, for a failure's message. */
  private static String summary(Map<TimingComponent, ComponentLatency> latency) {
    StringBuilder text = new StringBuilder();
    latency.forEach(
        (component, figures) -> {
          text.append(component.name().substring("TIMING_COMPONENT_".length())).append(' ');
          figures
              .getPercentilesList()
              .forEach(
                  p ->
                      text.append(
                          String.format(
                              java.util.Locale.ROOT,
                              "p%.0f=%.1f ",
                              p.getPercentile(),
                              (p.getValue().getSeconds() * 1e9 + p.getValue().getNanos()) / 1e6)));
          text.append("n=").append(figures.getCount()).append("; ");
        });
    return text.toString();
  }
}
