package io.gatehouse.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.gatehouse.api.analytics.v1.AnalyticsIngestGrpc;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.GetLatencyRequest;
import io.gatehouse.api.analytics.v1.GetMetricsRequest;
import io.gatehouse.api.analytics.v1.Histogram;
import io.gatehouse.api.analytics.v1.LogBatch;
import io.gatehouse.api.analytics.v1.MetricBatch;
import io.gatehouse.api.analytics.v1.PoolMemberMetrics;
import io.gatehouse.api.analytics.v1.ReportHello;
import io.gatehouse.api.analytics.v1.ReportRequest;
import io.gatehouse.api.analytics.v1.ReportResponse;
import io.gatehouse.api.analytics.v1.RequestTiming;
import io.gatehouse.api.analytics.v1.Target;
import io.gatehouse.api.analytics.v1.TimeRange;
import io.gatehouse.api.analytics.v1.TimingHistograms;
import io.gatehouse.api.analytics.v1.TrafficCounters;
import io.gatehouse.api.analytics.v1.VirtualServiceMetrics;
import io.gatehouse.testsupport.AnalyticsServiceProcess;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.SeManagerProcess;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * analytics-svc under the ingest the issue asks for, on one machine: many engines each sending a
 * metric batch of many virtual services every second (is every batch acknowledged, how fast, do the
 * batches go out on time, and are they in the rollups once acknowledged); client logs as fast as
 * credits allow (logs stored per second, against a plain COPY of the same rows into an unindexed
 * table of the same database as the baseline); and query latency with a day of data loaded.
 */
@Command(
    name = "analytics",
    mixinStandardHelpOptions = true,
    description = "Benchmark analytics-svc.")
final class AnalyticsBench implements Callable<Integer> {
  @Option(names = "--engines", description = "reporting engines (default: ${DEFAULT-VALUE})")
  int engines = 50;

  @Option(
      names = "--virtual-services",
      description = "virtual services per batch (default: ${DEFAULT-VALUE})")
  int virtualServices = 200;

  @Option(names = "--seconds", description = "metric ingest duration (default: ${DEFAULT-VALUE})")
  int seconds = 30;

  @Option(names = "--logs", description = "client logs to send (default: ${DEFAULT-VALUE})")
  int logs = 500_000;

  @Option(names = "--server-heap", description = "analytics-svc -Xmx (default: ${DEFAULT-VALUE})")
  String serverHeap = "1g";

  @Option(
      names = "--server-jvm-option",
      description = "another analytics-svc JVM option, e.g. to record a flight recording")
  List<String> serverJvmOptions = new ArrayList<>();

  private final Random random = new Random(42);

  @Override
  public Integer call() throws Exception {
    try (AnalyticsServiceProcess analytics = AnalyticsServiceProcess.start(jvmOptions())) {
      ManagedChannel channel =
          NettyChannelBuilder.forTarget(analytics.target())
              .usePlaintext()
              .maxInboundMessageSize(64 * 1024 * 1024)
              .build();
      try {
        metrics(channel, analytics);
        logs(channel, analytics);
        queries(channel);
        System.out.printf(
            Locale.ROOT,
            "analytics-svc RSS at the end: %.0f MiB%n",
            analytics.residentBytes() / 1048576.0);
      } finally {
        channel.shutdownNow();
      }
    }
    return 0;
  }

  private List<String> jvmOptions() {
    List<String> options = new ArrayList<>(List.of("-Xmx" + serverHeap));
    options.addAll(serverJvmOptions);
    return options;
  }

  /** Every engine sends one batch of every virtual service per second, for a bounded time. */
  private void metrics(ManagedChannel channel, AnalyticsServiceProcess analytics) throws Exception {
    Histogram[] samples = new Histogram[8];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = histogram(500 + random.nextInt(500), 2000 * (i + 1));
    }
    List<Reporter> reporters = new ArrayList<>();
    for (int e = 0; e < engines; e++) {
      reporters.add(new Reporter(channel, "bench-se-" + e));
    }
    Latencies ack = new Latencies();
    long started = System.nanoTime();
    Instant t0 = Instant.now().minusSeconds(seconds);
    long bytes = 0;
    long latestRound = 0; // how long after its second the slowest round of batches was sent
    for (int s = 0; s < seconds; s++) {
      long due = started + TimeUnit.SECONDS.toNanos(s);
      while (System.nanoTime() < due) {
        TimeUnit.MILLISECONDS.sleep(1); // the bench's pacing: one batch per engine per second
      }
      for (Reporter r : reporters) {
        MetricBatch batch = batch(s + 1, t0.plusSeconds(s), samples);
        bytes += batch.getSerializedSize();
        r.send(ReportRequest.newBuilder().setMetrics(batch).build(), ack); // waits for a credit
      }
      latestRound = Math.max(latestRound, System.nanoTime() - due);
    }
    long sent = (long) seconds * engines;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (Reporter.acked.get() < sent && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    double sendSeconds = (System.nanoTime() - started) / 1e9;
    // an acknowledged batch is in the rollups already: nothing is left to fold after the last ack
    long rolled = rolledRequests(analytics);
    System.out.printf(
        Locale.ROOT,
        "metric ingest: %d engines x %d virtual services (+1 member each), 1 batch/s each for %d s"
            + " (%.1f MiB/s): %d of %d batches acknowledged after %.1f s; the slowest round of"
            + " batches sent %.0f ms after its second; ack latency %s%n"
            + "rollups at the last ack: %d of %d requests; analytics-svc RSS %.0f MiB%n",
        engines,
        virtualServices,
        seconds,
        bytes / 1048576.0 / seconds,
        Reporter.acked.get(),
        sent,
        sendSeconds,
        latestRound / 1e6,
        ack.summary(),
        rolled,
        sent * virtualServices * 100,
        analytics.residentBytes() / 1048576.0);
    reporters.forEach(Reporter::close);
  }

  /** Client logs from a few engines as fast as credits allow; a plain COPY as the baseline. */
  private void logs(ManagedChannel channel, AnalyticsServiceProcess analytics) throws Exception {
    int perBatch = 5000;
    int batches = logs / perBatch;
    List<ClientLog> sample = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < perBatch; i++) {
      sample.add(log(now.minusMillis(i), i));
    }
    int streams = 4;
    List<Reporter> reporters = new ArrayList<>();
    for (int e = 0; e < streams; e++) {
      reporters.add(new Reporter(channel, "bench-logs-" + e));
    }
    Reporter.acked.set(0);
    Latencies ack = new Latencies();
    long started = System.nanoTime();
    for (int b = 0; b < batches; b++) {
      reporters
          .get(b % streams)
          .send(
              ReportRequest.newBuilder()
                  .setLogs(LogBatch.newBuilder().setBatchId(1_000_000 + b).addAllLogs(sample))
                  .build(),
              ack);
    }
    while (Reporter.acked.get() < batches) {
      TimeUnit.MILLISECONDS.sleep(5);
    }
    double took = (System.nanoTime() - started) / 1e9;
    reporters.forEach(Reporter::close);

    // the baseline: the same rows COPYed into an unindexed, unpartitioned table
    String csv = csv(sample);
    double baseline;
    try (Connection c = analytics.database().connect()) {
      try (Statement st = c.createStatement()) {
        st.execute(
            "CREATE TABLE analytics.copy_baseline (LIKE analytics.client_log INCLUDING DEFAULTS)");
      }
      long copyStart = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        c.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn(
                "COPY analytics.copy_baseline (time, virtual_service, pool, endpoint_id,"
                    + " server_address, app_id, client_ip, client_port, method, uri_path,"
                    + " uri_query, host, user_agent, status, bytes_in, bytes_out, client_rtt_us,"
                    + " server_rtt_us, app_response_us, data_transfer_us, total_us, significance,"
                    + " se_id, request_id) FROM STDIN (FORMAT csv)",
                new StringReader(csv));
      }
      baseline = (System.nanoTime() - copyStart) / 1e9;
      try (Statement st = c.createStatement()) {
        st.execute("DROP TABLE analytics.copy_baseline");
      }
    }
    System.out.printf(
        Locale.ROOT,
        "client logs: %d in batches of %d over %d streams: %.0f logs/s stored (ack %s);"
            + " plain COPY of the same rows into an unindexed table: %.0f logs/s; ratio %.2f%n",
        (long) batches * perBatch,
        perBatch,
        streams,
        batches * perBatch / took,
        ack.summary(),
        batches * perBatch / baseline,
        (batches * perBatch / took) / (batches * perBatch / baseline));
  }

  /** A day of one virtual service (a batch per 5 s), then GetLatency and GetMetrics timed. */
  private void queries(ManagedChannel channel) throws Exception {
    Histogram[] samples = new Histogram[8];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = histogram(300, 3000 * (i + 1));
    }
    // many engines, so that enough batches are in flight for each written group to hold many
    List<Reporter> loaders = new ArrayList<>();
    for (int e = 0; e < 48; e++) {
      loaders.add(new Reporter(channel, "bench-day-" + e));
    }
    Reporter.acked.set(0);
    Instant now = Instant.now();
    Instant dayAgo = now.minus(Duration.ofDays(1));
    int count = 17_280;
    Latencies ack = new Latencies();
    long started = System.nanoTime();
    for (int i = 0; i < count; i++) {
      MetricBatch one =
          MetricBatch.newBuilder()
              .setBatchId(5_000_000 + i)
              .setStartTime(ts(dayAgo.plusSeconds(5L * i)))
              .setEndTime(ts(dayAgo.plusSeconds(5L * i + 5)))
              .addVirtualServices(vs("day", samples[i % samples.length]))
              .build();
      loaders.get(i % loaders.size()).send(ReportRequest.newBuilder().setMetrics(one).build(), ack);
    }
    while (Reporter.acked.get() < count) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    System.out.printf(
        Locale.ROOT,
        "a day of one virtual service loaded: %d batches in %.1f s%n",
        count,
        (System.nanoTime() - started) / 1e9);
    loaders.forEach(Reporter::close);
    var query =
        AnalyticsQueryGrpc.newBlockingStub(Tokens.attach(channel, PolicyServiceProcess.OPERATOR));
    // acknowledged is written; this waits for nothing but shows the day is all there
    while (query
            .getMetrics(
                GetMetricsRequest.newBuilder()
                    .setTarget(Target.newBuilder().setVirtualService("day"))
                    .setRange(range(dayAgo.minusSeconds(3600), now.plusSeconds(60)))
                    .setStep(com.google.protobuf.Duration.newBuilder().setSeconds(86_400))
                    .build())
            .getSeries(0)
            .getPointsList()
            .stream()
            .mapToDouble(p -> p.getValue() * 86_400)
            .sum()
        < count * 100L - 1) {
      TimeUnit.MILLISECONDS.sleep(200);
    }
    Latencies latency = new Latencies();
    Latencies metrics = new Latencies();
    for (int i = 0; i < 200; i++) {
      long t = System.nanoTime();
      query.getLatency(
          GetLatencyRequest.newBuilder()
              .setTarget(Target.newBuilder().setVirtualService("day"))
              .setRange(range(now.minus(Duration.ofDays(1)).plusSeconds(i), now))
              .build());
      latency.recordNanos(System.nanoTime() - t);
      t = System.nanoTime();
      query.getMetrics(
          GetMetricsRequest.newBuilder()
              .setTarget(Target.newBuilder().setVirtualService("day"))
              .setRange(range(now.minus(Duration.ofHours(1)), now))
              .setStep(com.google.protobuf.Duration.newBuilder().setSeconds(5))
              .build());
      metrics.recordNanos(System.nanoTime() - t);
    }
    System.out.printf(
        Locale.ROOT,
        "GetLatency over 24 h (unaligned edges): %s%nGetMetrics over 1 h at 5 s steps: %s%n",
        latency.summary(),
        metrics.summary());
  }

  private MetricBatch batch(long id, Instant start, Histogram[] samples) {
    MetricBatch.Builder batch =
        MetricBatch.newBuilder()
            .setBatchId(id)
            .setStartTime(ts(start))
            .setEndTime(ts(start.plusSeconds(1)));
    for (int v = 0; v < virtualServices; v++) {
      batch.addVirtualServices(vs("vs-" + v, samples[(int) ((id + v) % samples.length)]));
    }
    return batch.build();
  }

  private static VirtualServiceMetrics vs(String name, Histogram h) {
    TimingHistograms timings =
        TimingHistograms.newBuilder()
            .setClientRtt(h)
            .setServerRtt(h)
            .setAppResponse(h)
            .setDataTransfer(h)
            .setTotal(h)
            .build();
    TrafficCounters counters =
        TrafficCounters.newBuilder()
            .setRequests(100)
            .setResponses2Xx(99)
            .setResponses5Xx(1)
            .setBytesOut(100_000)
            .setOpenConnections(10)
            .build();
    return VirtualServiceMetrics.newBuilder()
        .setVirtualService(name)
        .setCounters(counters)
        .setTimings(timings)
        .setHealthyMembers(1)
        .setTotalMembers(1)
        .addPoolMembers(
            PoolMemberMetrics.newBuilder()
                .setPool(name)
                .setEndpointId(name + ".task-1")
                .setAddress("10.0.0.1:8080")
                .setCounters(counters)
                .setTimings(timings))
        .build();
  }

  /** A histogram of {@code count} values spread up to {@code max} microseconds (2 digits). */
  private Histogram histogram(int count, long max) {
    org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(2);
    for (int i = 0; i < count; i++) {
      h.recordValue(1 + (long) (random.nextDouble() * random.nextDouble() * max));
    }
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoByteBuffer(buffer); // as engines send it
    return Histogram.newBuilder()
        .setHdr(ByteString.copyFrom(buffer.array(), 0, length))
        .setCount(h.getTotalCount())
        .build();
  }

  private static ClientLog log(Instant time, int i) {
    return ClientLog.newBuilder()
        .setTime(ts(time))
        .setVirtualService("vs-" + (i % 20))
        .setPool("vs-" + (i % 20))
        .setEndpointId("task-" + (i % 7))
        .setServerAddress("10.0.0." + (i % 7) + ":8080")
        .setAppId("/app-" + (i % 20))
        .setClientIp("10.1." + (i % 250) + "." + (i % 200))
        .setClientPort(30000 + i % 20000)
        .setMethod("GET")
        .setUriPath("/api/items/" + i)
        .setHost("shop.example")
        .setUserAgent("bench/1.0")
        .setStatus(i % 50 == 0 ? 503 : 200)
        .setBytesOut(1000 + i % 5000)
        .setTiming(
            RequestTiming.newBuilder()
                .setTotal(
                    com.google.protobuf.Duration.newBuilder().setNanos(1_000_000 + i % 9_000_000)))
        .setSeId("bench-se")
        .setRequestId("r-" + i)
        .build();
  }

  private static String csv(List<ClientLog> logs) {
    StringBuilder csv = new StringBuilder();
    for (ClientLog l : logs) {
      csv.append(Instant.ofEpochSecond(l.getTime().getSeconds(), l.getTime().getNanos()))
          .append(",\"")
          .append(l.getVirtualService())
          .append("\",\"")
          .append(l.getPool())
          .append("\",\"")
          .append(l.getEndpointId())
          .append("\",\"")
          .append(l.getServerAddress())
          .append("\",\"")
          .append(l.getAppId())
          .append("\",")
          .append(l.getClientIp())
          .append(',')
          .append(l.getClientPort())
          .append(",\"GET\",\"")
          .append(l.getUriPath())
          .append("\",\"\",\"")
          .append(l.getHost())
          .append("\",\"")
          .append(l.getUserAgent())
          .append("\",")
          .append(l.getStatus())
          .append(",0,")
          .append(l.getBytesOut())
          .append(",0,0,0,0,")
          .append(l.getTiming().getTotal().getNanos() / 1000)
          .append(",0,\"bench-se\",\"")
          .append(l.getRequestId())
          .append("\"\n");
    }
    return csv.toString();
  }

  /** Requests of every virtual service in the 5 s rollups. */
  private static long rolledRequests(AnalyticsServiceProcess analytics) throws Exception {
    try (Connection c = analytics.database().connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT coalesce(sum(requests), 0) FROM analytics.rollup"
                    + " WHERE level = 5 AND kind = 'v'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static TimeRange range(Instant from, Instant to) {
    return TimeRange.newBuilder().setStartTime(ts(from)).setEndTime(ts(to)).build();
  }

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  /** One engine's Report stream that keeps within its credits and times each ack. */
  private static final class Reporter {
    static final AtomicLong acked = new AtomicLong();
    private final StreamObserver<ReportRequest> requests;
    private final Semaphore credits = new Semaphore(0);
    private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    private final CountDownLatch granted = new CountDownLatch(1);
    private volatile Latencies latencies;

    Reporter(ManagedChannel channel, String seId) throws InterruptedException {
      requests =
          AnalyticsIngestGrpc.newStub(Tokens.attach(channel, SeManagerProcess.ENGINE))
              .report(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ReportResponse r) {
                      if (r.hasFlowControl()) {
                        credits.release(r.getFlowControl().getCredits());
                        granted.countDown();
                      } else if (r.hasAck()) {
                        Long at = sentAt.remove(r.getAck().getBatchId());
                        if (at != null && latencies != null) {
                          latencies.recordNanos(System.nanoTime() - at);
                        }
                        acked.incrementAndGet();
                        credits.release();
                      }
                    }

                    @Override
                    public void onError(Throwable t) {
                      System.err.println(seId + ": " + t);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(
          ReportRequest.newBuilder().setHello(ReportHello.newBuilder().setSeId(seId)).build());
      granted.await(30, TimeUnit.SECONDS);
    }

    void send(ReportRequest request, Latencies latencies) throws InterruptedException {
      this.latencies = latencies;
      credits.acquire();
      long id =
          request.hasMetrics() ? request.getMetrics().getBatchId() : request.getLogs().getBatchId();
      sentAt.put(id, System.nanoTime());
      synchronized (this) {
        requests.onNext(request);
      }
    }

    void close() {
      requests.onCompleted();
    }
  }
}
