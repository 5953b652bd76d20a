package io.gatehouse.testsupport;

import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.ComponentLatency;
import io.gatehouse.api.analytics.v1.GetAppMapRequest;
import io.gatehouse.api.analytics.v1.GetAppMapResponse;
import io.gatehouse.api.analytics.v1.GetLatencyRequest;
import io.gatehouse.api.analytics.v1.Metric;
import io.gatehouse.api.analytics.v1.SearchLogsRequest;
import io.gatehouse.api.analytics.v1.Target;
import io.gatehouse.api.analytics.v1.TimingComponent;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The timing breakdown against ground truth, through the whole path: a service engine process
 * serving {@link PacedMember}, reporting to an analytics-svc process, its figures read back with
 * the query API. Each scenario has a virtual service of its own and says what the truth was; the
 * platform test checks the figures against it, the benchmark prints both.
 */
public final class GroundTruth implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> SERVICES = List.of("slow-app", "stream", "reader", "errors");

  /** The L4 virtual services: TCP and UDP to echo members (full logs), TCP to a closed port. */
  private static final String L4_SERVICES =
      """
        - name: tcp
          listeners: [{address: 127.0.0.1, port: %d, protocol: TCP}]
          pool: echo-tcp
          full_client_logs: true
        - name: udp
          listeners: [{address: 127.0.0.1, port: %d, protocol: UDP}]
          pool: echo-udp
          full_client_logs: true
        - name: refused
          listeners: [{address: 127.0.0.1, port: %d, protocol: TCP}]
          pool: closed
      """;

  private static final String L4_POOLS =
      """
        - name: echo-tcp
          endpoints: [{address: 127.0.0.1, port: %d}]
        - name: echo-udp
          endpoints: [{address: 127.0.0.1, port: %d}]
        - name: closed
          endpoints: [{address: 127.0.0.1, port: %d}]
      """;

  /** How long a UDP session lasts after its last datagram. */
  public static final Duration UDP_SESSION_TIMEOUT = Duration.ofSeconds(1);

  private final PacedMember member;
  private final EchoMembers echo;
  private final AnalyticsServiceProcess analytics;
  private final ServiceJar engine;
  private final ManagedChannel channel;
  private final AnalyticsQueryGrpc.AnalyticsQueryBlockingStub query;
  private final Map<String, Integer> ports;
  private final Instant began = Instant.now().minusSeconds(5);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A component's figures: percentiles 50 and 99 and how many requests it has, in nanoseconds. */
  public record Figures(long p50, long p99, long count) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT, "p50 %.2f ms, p99 %.2f ms (n=%d)", p50 / 1e6, p99 / 1e6, count);
    }
  }

  /**
   * What a scenario measured: the truth (the median of what the test controlled) and each component
   * as analytics-svc reports it.
   */
  public record Measured(long truthNanos, Map<TimingComponent, Figures> reported) {
    public Figures of(TimingComponent component) {
      return reported.get(component);
    }
  }

  private GroundTruth(
      PacedMember member,
      EchoMembers echo,
      AnalyticsServiceProcess analytics,
      ServiceJar engine,
      Map<String, Integer> ports) {
    this.member = member;
    this.echo = echo;
    this.analytics = analytics;
    this.engine = engine;
    this.ports = ports;
    this.channel = NettyChannelBuilder.forTarget(analytics.target()).usePlaintext().build();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + PolicyServiceProcess.OPERATOR);
    this.query =
        AnalyticsQueryGrpc.newBlockingStub(
            ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
  }

  /** Starts the member, analytics-svc and an engine with a virtual service per scenario. */
  public static GroundTruth start() {
    try {
      PacedMember member = new PacedMember();
      EchoMembers echo = new EchoMembers();
      AnalyticsServiceProcess analytics = AnalyticsServiceProcess.start();
      Map<String, Integer> ports = new java.util.LinkedHashMap<>();
      StringBuilder config = new StringBuilder("virtual_services:\n");
      for (String name : SERVICES) {
        int port = ServiceJar.freePort();
        ports.put(name, port);
        config
            .append("  - name: ")
            .append(name)
            .append("\n    listeners: [{address: 127.0.0.1, port: ")
            .append(port)
            .append("}]\n    pool: paced\n");
      }
      for (String name : List.of("tcp", "udp", "refused")) {
        ports.put(name, ServiceJar.freePort());
      }
      config.append(
          String.format(
              Locale.ROOT, L4_SERVICES, ports.get("tcp"), ports.get("udp"), ports.get("refused")));
      config
          .append("pools:\n  - name: paced\n    endpoints: [{address: 127.0.0.1, port: ")
          .append(member.port())
          .append("}]\n");
      config.append(
          String.format(
              Locale.ROOT,
              L4_POOLS,
              echo.tcpPort(),
              echo.udpPort(),
              ServiceJar.freePort())); // nothing listens there
      Path file = Files.createTempFile("ground-truth", ".yaml");
      Files.writeString(file, config);
      ServiceJar engine =
          ServiceJar.start(
                  "service-engine",
                  List.of(
                      "--config=" + file,
                      "--admin=127.0.0.1:" + ServiceJar.freePort(),
                      "--analytics=" + analytics.target(),
                      "--control-plaintext",
                      "--udp-session-timeout=" + UDP_SESSION_TIMEOUT.toMillis() + "ms",
                      "--se-id=se-ground-truth"),
                  Map.of("GATEHOUSE_SE_TOKEN", SeManagerProcess.ENGINE))
              .awaitPort(ports.get("errors"), WAIT);
      return new GroundTruth(member, echo, analytics, engine, ports);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code requests} answers that the member gives after {@code ms} milliseconds. */
  public Measured slowApp(int requests, long ms) throws Exception {
    for (int i = 0; i < requests; i++) {
      expect(get("slow-app", "/slow?ms=" + ms), 200);
    }
    return new Measured(ms * 1_000_000, latency("slow-app", requests));
  }

  /** {@code requests} bodies the member streams in {@code chunks} chunks {@code ms} apart. */
  public Measured stream(int requests, int chunks, long ms) throws Exception {
    for (int i = 0; i < requests; i++) {
      expect(get("stream", "/stream?chunks=" + chunks + "&ms=" + ms), 200);
    }
    return new Measured((chunks - 1) * ms * 1_000_000, latency("stream", requests));
  }

  /** {@code requests} bodies of {@code bytes} that a client reads at {@code perSecond}. */
  public Measured slowReader(int requests, int bytes, int perSecond) throws Exception {
    long[] reading = new long[requests];
    for (int i = 0; i < requests; i++) {
      reading[i] = readSlowly(ports.get("reader"), bytes, perSecond);
    }
    Arrays.sort(reading);
    return new Measured(reading[requests / 2], latency("reader", requests));
  }

  /**
   * {@code requests} requests of which every {@code nth} is answered 503; the requests and 5xx
   * analytics-svc counted, once they add up or the wait is over.
   */
  public long[] errors(int requests, int nth) throws Exception {
    for (int i = 0; i < requests; i++) {
      expect(get("errors", i % nth == 0 ? "/error" : "/"), i % nth == 0 ? 503 : 200);
    }
    long errors = (requests + nth - 1) / nth;
    waitFor(
        () ->
            total("errors", Metric.METRIC_REQUESTS) == requests
                && total("errors", Metric.METRIC_ERRORS_5XX) == errors);
    return new long[] {
      total("errors", Metric.METRIC_REQUESTS), total("errors", Metric.METRIC_ERRORS_5XX)
    };
  }

  /** What an L4 scenario measured: the timing components, and every connection's client log. */
  public record L4Measured(Measured timing, List<ClientLog> logs) {}

  /**
   * {@code connections} TCP connections that each send {@code bytes} and read them back, stay open
   * {@code holdMs} more, then end (the client first).
   */
  public L4Measured tcp(int connections, int bytes, long holdMs) throws Exception {
    for (int i = 0; i < connections; i++) {
      EchoMembers.echoThenHold(ports.get("tcp"), bytes, holdMs);
    }
    return new L4Measured(
        new Measured(holdMs * 1_000_000, latency("tcp", connections)), logs("tcp", connections));
  }

  /**
   * {@code sessions} UDP sessions, each from a client port of its own: one datagram of {@code
   * bytes} and its echo; each session ends {@link #UDP_SESSION_TIMEOUT} after it.
   */
  public L4Measured udp(int sessions, int bytes) throws Exception {
    for (int i = 0; i < sessions; i++) {
      EchoMembers.echoDatagram(ports.get("udp"), bytes);
    }
    return new L4Measured(
        new Measured(UDP_SESSION_TIMEOUT.toNanos(), latency("udp", sessions)),
        logs("udp", sessions));
  }

  /** {@code connections} TCP connections to a virtual service whose member refuses them all. */
  public List<ClientLog> refused(int connections) throws Exception {
    for (int i = 0; i < connections; i++) {
      EchoMembers.endedAtOnce(ports.get("refused"));
    }
    return logs("refused", connections);
  }

  /** The application map of {@code service} since this run began. */
  public GetAppMapResponse appMap(String service) {
    return query
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getAppMap(
            GetAppMapRequest.newBuilder()
                .setVirtualService(service)
                .setRange(AnalyticsQueries.since(began))
                .build());
  }

  /** The client logs of {@code service}, once {@code count} are in. */
  private List<ClientLog> logs(String service, int count) {
    SearchLogsRequest request =
        SearchLogsRequest.newBuilder()
            .setVirtualService(service)
            .setRange(AnalyticsQueries.since(began))
            .setPageSize(1000)
            .build();
    waitFor(
        () ->
            query.withDeadlineAfter(10, TimeUnit.SECONDS).searchLogs(request).getLogsCount()
                >= count);
    return query.withDeadlineAfter(10, TimeUnit.SECONDS).searchLogs(request).getLogsList();
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
        long wait = start + (long) (total * 1e9 / perSecond) - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait); // the pace of a slow reader
        }
      }
      if (total <= bytes) {
        throw new IllegalStateException("the body ended after " + total + " bytes");
      }
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

  private static void expect(int status, int wanted) {
    if (status != wanted) {
      throw new IllegalStateException("answered " + status + ", not " + wanted);
    }
  }

  /** Each component of {@code service}, once all {@code requests} are in. */
  private Map<TimingComponent, Figures> latency(String service, int requests) throws Exception {
    GetLatencyRequest request =
        GetLatencyRequest.newBuilder()
            .setTarget(Target.newBuilder().setVirtualService(service))
            .setRange(AnalyticsQueries.since(began))
            .addPercentiles(50)
            .addPercentiles(99)
            .build();
    waitFor(
        () -> components(request).get(TimingComponent.TIMING_COMPONENT_TOTAL).count() == requests);
    return components(request);
  }

  private Map<TimingComponent, Figures> components(GetLatencyRequest request) {
    Map<TimingComponent, Figures> all = new EnumMap<>(TimingComponent.class);
    for (ComponentLatency c :
        query.withDeadlineAfter(10, TimeUnit.SECONDS).getLatency(request).getComponentsList()) {
      all.put(
          c.getComponent(),
          c.getCount() == 0
              ? new Figures(0, 0, 0)
              : new Figures(nanos(c, 50), nanos(c, 99), c.getCount()));
    }
    return all;
  }

  private static long nanos(ComponentLatency c, double percentile) {
    com.google.protobuf.Duration value =
        c.getPercentilesList().stream()
            .filter(p -> p.getPercentile() == percentile)
            .findFirst()
            .orElseThrow()
            .getValue();
    return value.getSeconds() * 1_000_000_000L + value.getNanos();
  }

  private long total(String service, Metric metric) {
    return AnalyticsQueries.total(query, service, metric, began);
  }

  /** Waits until {@code done} holds (analytics-svc folds every few seconds). */
  private static void waitFor(BooleanSupplier done) {
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(done::getAsBoolean);
  }

  @Override
  public void close() throws IOException {
    channel.shutdownNow();
    engine.close();
    analytics.close();
    member.close();
    echo.close();
  }
}
