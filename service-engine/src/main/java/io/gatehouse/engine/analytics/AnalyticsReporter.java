package io.gatehouse.engine.analytics;

import io.gatehouse.api.analytics.v1.AnalyticsIngestGrpc;
import io.gatehouse.api.analytics.v1.BatchResult;
import io.gatehouse.api.analytics.v1.LogBatch;
import io.gatehouse.api.analytics.v1.MetricBatch;
import io.gatehouse.api.analytics.v1.ReportHello;
import io.gatehouse.api.analytics.v1.ReportRequest;
import io.gatehouse.api.analytics.v1.ReportResponse;
import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.admin.Gauges;
import io.gatehouse.engine.internal.ControlPlaneChannel;
import io.gatehouse.engine.internal.ControlPlaneTls;
import io.gatehouse.engine.internal.EngineCredentialStore;
import io.gatehouse.engine.timing.TimingCollector;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the engine's measurements to analytics-svc on {@code AnalyticsIngest.Report}: every
 * timing interval a metric batch, and the client logs buffered meanwhile. A batch is kept until it
 * is acknowledged and resent after a reconnect (batch ids increase across restarts, so a resend is
 * recognised and a new batch never is). Credits bound what is in flight; without credits (analytics
 * slow or away) metric intervals merge into one waiting batch and client logs are dropped and
 * counted, so memory stays bounded and traffic never waits.
 */
public final class AnalyticsReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AnalyticsReporter.class);
  private static final int LOGS_PER_BATCH = 1000;

  /** Client logs leave often and in small batches, so no burst of work stalls traffic. */
  private static final Duration LOG_FLUSH = Duration.ofMillis(100);

  /**
   * @param target analytics-svc's gRPC address
   * @param tls how the channel is secured
   * @param credentials the engine's bearer token
   * @param seId the engine's id
   * @param nodeId its node's Mesos agent id
   * @param minBackoff first reconnect delay
   * @param maxBackoff longest reconnect delay
   */
  public record Settings(
      String target,
      ControlPlaneTls tls,
      EngineCredentialStore credentials,
      String seId,
      String nodeId,
      Duration minBackoff,
      Duration maxBackoff) {}

  private final ServiceEngine engine;
  private final ClientLogBuffer logs;
  private final Settings settings;
  private final ManagedChannel channel;
  private final AnalyticsIngestGrpc.AnalyticsIngestStub stub;
  private final MetricBatches batches = new MetricBatches();
  private final Deque<ReportRequest> unsent = new ArrayDeque<>();
  private final Map<Long, ReportRequest> unacked = new LinkedHashMap<>();
  private final ScheduledExecutorService reconnects =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "se-analytics");
            t.setDaemon(true);
            return t;
          });
  // unguessable: where engines share a token, one cannot claim another's ids in advance
  private long nextId = new java.security.SecureRandom().nextLong(1, Long.MAX_VALUE / 2);
  private StreamObserver<ReportRequest> requests;
  private boolean connected;
  private boolean closed;
  private int credits;
  private Duration backoff;
  private final java.util.Set<Long> sentOnce = new java.util.HashSet<>();
  private volatile java.util.concurrent.ScheduledFuture<?> logFlush;

  public AnalyticsReporter(ServiceEngine engine, ClientLogBuffer logs, Settings settings) {
    this.engine = engine;
    this.logs = logs;
    this.settings = settings;
    this.backoff = settings.minBackoff();
    ControlPlaneChannel analytics =
        ControlPlaneChannel.to(
            settings.target(),
            settings.tls(),
            settings.credentials(),
            engine.workers(),
            engine.transport());
    this.channel = analytics.managed();
    this.stub = AnalyticsIngestGrpc.newStub(analytics.authorized());
  }

  /** Connects and reports every timing interval from now on. */
  public AnalyticsReporter start() {
    engine.timing().addListener(this::interval);
    reconnects.execute(this::connect);
    // on an event loop, where the stream writes them: no other thread wakes ten times a second
    logFlush =
        engine
            .workers()
            .next()
            .scheduleWithFixedDelay(
                () -> {
                  try {
                    flushLogs();
                  } catch (RuntimeException e) {
                    log.warn("sending client logs failed: {}", e.toString());
                  }
                },
                LOG_FLUSH.toMillis(),
                LOG_FLUSH.toMillis(),
                TimeUnit.MILLISECONDS);
    return this;
  }

  /** Whether the stream is up with credits granted. */
  public synchronized boolean connected() {
    return connected && credits > 0;
  }

  /** The reporter's figures for /metrics: connection, waiting batches, dropped logs. */
  public io.prometheus.metrics.model.registry.MultiCollector metrics() {
    return () ->
        io.prometheus.metrics.model.snapshots.MetricSnapshots.builder()
            .metricSnapshot(
                Gauges.of(
                    "gatehouse_se_analytics_connected",
                    "1 while the analytics stream is up, 0 while analytics-svc is away",
                    connected() ? 1 : 0))
            .metricSnapshot(
                Gauges.of(
                    "gatehouse_se_analytics_waiting_batches",
                    "batches kept until analytics-svc acknowledges them",
                    waiting()))
            .metricSnapshot(
                io.prometheus.metrics.model.snapshots.CounterSnapshot.builder()
                    .name("gatehouse_se_client_logs_dropped")
                    .help("client logs dropped: buffer full or no credits")
                    .dataPoint(
                        io.prometheus.metrics.model.snapshots.CounterSnapshot
                            .CounterDataPointSnapshot.builder()
                            .value(logs.droppedTotal())
                            .build())
                    .build())
            .build();
  }

  /** Batches waiting to be sent or acknowledged (for tests and /metrics). */
  public synchronized int waiting() {
    return unsent.size() + unacked.size();
  }

  private synchronized void interval(TimingCollector.Interval interval) {
    if (closed) {
      return;
    }
    MetricBatch metrics = batches.build(nextId++, interval, engine.services().values());
    ReportRequest last = unsent.peekLast();
    if (!canSend()
        && last != null
        && last.hasMetrics()
        && !sentOnce.contains(last.getMetrics().getBatchId())) {
      unsent.pollLast(); // no credits: this interval merges into the one already waiting
      unsent.addLast(
          ReportRequest.newBuilder()
              .setMetrics(MetricBatches.merge(last.getMetrics(), metrics))
              .build());
    } else {
      unsent.addLast(ReportRequest.newBuilder().setMetrics(metrics).build());
    }
    pump();
  }

  /** Sends the client logs buffered so far (called every {@link #LOG_FLUSH}). */
  private synchronized void flushLogs() {
    if (closed) {
      return;
    }
    if (!canSend()) {
      logs.dropAll(); // nowhere to send them: counted (/metrics, and the heartbeats' load)
      return;
    }
    // as many batches as the credits allow: logs left waiting in the buffer would live long
    // enough to be copied by every young collection
    while (canSend()) {
      List<byte[]> taken = logs.drain(LOGS_PER_BATCH);
      if (taken.isEmpty()) {
        return;
      }
      unsent.addLast(
          ReportRequest.newBuilder()
              .setLogs(
                  LogBatch.newBuilder().setBatchId(nextId++).setUnknownFields(encodedLogs(taken)))
              .build());
      pump();
      if (taken.size() < LOGS_PER_BATCH) {
        return;
      }
    }
  }

  /**
   * Logs already in the wire form of ClientLog, carried as LogBatch's field 2 (its repeated {@code
   * logs}): serialized as they are, so on the wire the batch is exactly one built from ClientLog
   * messages, without building them (analytics-svc reads them as its {@code logs}).
   */
  private static com.google.protobuf.UnknownFieldSet encodedLogs(List<byte[]> logs) {
    com.google.protobuf.UnknownFieldSet.Field.Builder field =
        com.google.protobuf.UnknownFieldSet.Field.newBuilder();
    logs.forEach(
        l -> field.addLengthDelimited(com.google.protobuf.UnsafeByteOperations.unsafeWrap(l)));
    return com.google.protobuf.UnknownFieldSet.newBuilder()
        .addField(LogBatch.LOGS_FIELD_NUMBER, field.build())
        .build();
  }

  private boolean canSend() {
    return connected && unacked.size() < credits;
  }

  private void pump() {
    while (canSend() && !unsent.isEmpty()) {
      ReportRequest next = unsent.pollFirst();
      unacked.put(id(next), next);
      sentOnce.add(id(next)); // may be stored already: never merged into again
      requests.onNext(next);
    }
  }

  private static long id(ReportRequest request) {
    return request.hasMetrics()
        ? request.getMetrics().getBatchId()
        : request.getLogs().getBatchId();
  }

  private void connect() {
    synchronized (this) {
      if (closed) {
        return;
      }
      StreamObserver<ReportRequest> stream =
          stub.report(
              new StreamObserver<>() {
                @Override
                public void onNext(ReportResponse response) {
                  answered(response);
                }

                @Override
                public void onError(Throwable t) {
                  lost(t.toString());
                }

                @Override
                public void onCompleted() {
                  lost("the stream ended");
                }
              });
      requests = stream;
      connected = true;
      credits = 0; // until analytics-svc grants some
      stream.onNext(
          ReportRequest.newBuilder()
              .setHello(
                  ReportHello.newBuilder().setSeId(settings.seId()).setNodeId(settings.nodeId()))
              .build());
    }
  }

  private synchronized void answered(ReportResponse response) {
    switch (response.getMessageCase()) {
      case FLOW_CONTROL -> {
        if (credits == 0 && response.getFlowControl().getCredits() > 0) {
          log.info("reporting to analytics-svc at {}", settings.target());
          backoff = settings.minBackoff();
        }
        credits = response.getFlowControl().getCredits();
      }
      case ACK -> {
        ReportRequest batch = unacked.remove(response.getAck().getBatchId());
        sentOnce.remove(response.getAck().getBatchId());
        if (response.getAck().getResult() == BatchResult.BATCH_RESULT_REJECTED && batch != null) {
          log.warn(
              "analytics-svc rejected batch {}: {}",
              response.getAck().getBatchId(),
              response.getAck().getMessage());
        }
      }
      case MESSAGE_NOT_SET -> {}
    }
    pump();
  }

  private void lost(String why) {
    Duration delay;
    synchronized (this) {
      if (!connected || closed) {
        return;
      }
      connected = false;
      credits = 0;
      // what was in flight goes first on the next stream, in its order
      List<ReportRequest> inFlight = List.copyOf(unacked.values());
      unacked.clear();
      for (int i = inFlight.size() - 1; i >= 0; i--) {
        unsent.addFirst(inFlight.get(i));
      }
      delay = backoff;
      backoff =
          backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
              ? settings.maxBackoff()
              : backoff.multipliedBy(2);
      log.warn(
          "analytics stream lost ({}); {} batches kept, reconnecting in {} ms",
          why,
          unsent.size(),
          delay.toMillis());
    }
    reconnects.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (requests != null && connected) {
        try {
          requests.onCompleted();
        } catch (RuntimeException e) {
          // already gone
        }
      }
    }
    if (logFlush != null) {
      logFlush.cancel(false);
    }
    reconnects.shutdownNow();
    channel.shutdownNow();
  }
}
