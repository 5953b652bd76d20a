package io.gatehouse.analytics;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.gatehouse.api.analytics.v1.AnalyticsIngestGrpc;
import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.Histogram;
import io.gatehouse.api.analytics.v1.LogBatch;
import io.gatehouse.api.analytics.v1.MetricBatch;
import io.gatehouse.api.analytics.v1.PoolMemberMetrics;
import io.gatehouse.api.analytics.v1.ReportHello;
import io.gatehouse.api.analytics.v1.ReportRequest;
import io.gatehouse.api.analytics.v1.ReportResponse;
import io.gatehouse.api.analytics.v1.RequestTiming;
import io.gatehouse.api.analytics.v1.TimingHistograms;
import io.gatehouse.api.analytics.v1.TrafficCounters;
import io.gatehouse.api.analytics.v1.VirtualServiceMetrics;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** What the analytics tests send: an engine's Report stream and the batches on it. */
public final class Reports {
  public static final String ENGINE = "test-engine-token-0001";
  public static final String OPERATOR = "test-operator-token-0001";

  private Reports() {}

  /** A channel that carries {@code token}. */
  public static Channel as(Channel channel, String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** One Report stream, recording what analytics-svc answers. */
  public static final class Stream {
    public final List<ReportResponse> answers = new CopyOnWriteArrayList<>();
    public final AtomicReference<Throwable> error = new AtomicReference<>();
    private final StreamObserver<ReportRequest> requests;

    public Stream(Channel channel, String token, String seId) {
      requests =
          AnalyticsIngestGrpc.newStub(as(channel, token))
              .report(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ReportResponse value) {
                      answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                      error.set(t);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(
          ReportRequest.newBuilder().setHello(ReportHello.newBuilder().setSeId(seId)).build());
    }

    public void send(MetricBatch batch) {
      requests.onNext(ReportRequest.newBuilder().setMetrics(batch).build());
    }

    public void send(LogBatch batch) {
      requests.onNext(ReportRequest.newBuilder().setLogs(batch).build());
    }

    /** The result of batch {@code id}, or null before its ack. */
    public io.gatehouse.api.analytics.v1.BatchResult result(long id) {
      return answers.stream()
          .filter(a -> a.hasAck() && a.getAck().getBatchId() == id)
          .map(a -> a.getAck().getResult())
          .reduce((a, b) -> b)
          .orElse(null);
    }

    public void close() {
      requests.onCompleted();
    }
  }

  /** A histogram of {@code values} (microseconds) as engines send it. */
  public static Histogram histogram(long... values) {
    org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
    for (long v : values) {
      h.recordValue(v);
    }
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Histogram.newBuilder()
        .setHdrCompressed(ByteString.copyFrom(buffer.array(), 0, length))
        .setCount(h.getTotalCount())
        .build();
  }

  /**
   * One second of one virtual service on one engine: {@code requests} requests, {@code errors} of
   * them 5xx, 4 open connections, a connection denied and 3 rate-limited, totals of {@code totals}
   * microseconds, through two members.
   */
  public static MetricBatch batch(
      long id, Instant start, String vs, long requests, long errors, long... totals) {
    Histogram total = histogram(totals);
    TimingHistograms timings =
        TimingHistograms.newBuilder()
            .setTotal(total)
            .setAppResponse(histogram(java.util.Arrays.stream(totals).map(t -> t / 2).toArray()))
            .build();
    return MetricBatch.newBuilder()
        .setBatchId(id)
        .setStartTime(ts(start))
        .setEndTime(ts(start.plus(Duration.ofSeconds(1))))
        .addVirtualServices(
            VirtualServiceMetrics.newBuilder()
                .setVirtualService(vs)
                .setCounters(
                    TrafficCounters.newBuilder()
                        .setRequests(requests)
                        .setResponses2Xx(requests - errors)
                        .setResponses5Xx(errors)
                        .setBytesOut(requests * 1000)
                        .setOpenConnections(4)
                        .setConnectionsOpened(2)
                        .setConnectionsDenied(1)
                        .setRateLimited(3))
                .setTimings(timings)
                .setHealthyMembers(2)
                .setTotalMembers(2)
                .addPoolMembers(
                    PoolMemberMetrics.newBuilder()
                        .setPool(vs)
                        .setEndpointId("task-1")
                        .setAddress(taskAddress(vs) + ":8080")
                        .setAppId("/" + vs)
                        .setCounters(TrafficCounters.newBuilder().setRequests(requests))
                        .setTimings(timings)))
        .build();
  }

  /** The address of the task behind a batch's member for {@code vs}: one address per service. */
  public static String taskAddress(String vs) {
    return "10.0." + Math.floorMod(vs.hashCode(), 250) + ".1";
  }

  /** A client log. */
  public static ClientLog log(
      Instant time, String vs, int status, String ip, String path, long totalMicros) {
    return ClientLog.newBuilder()
        .setTime(ts(time))
        .setVirtualService(vs)
        .setPool(vs)
        .setEndpointId("task-1")
        .setServerAddress("10.0.0.1:8080")
        .setAppId("/" + vs)
        .setClientIp(ip)
        .setClientPort(40000)
        .setMethod("GET")
        .setUriPath(path)
        .setHost("shop")
        .setUserAgent("curl/8 \"quoted\", with comma")
        .setStatus(status)
        .setBytesOut(1000)
        .setTiming(
            RequestTiming.newBuilder()
                .setTotal(
                    com.google.protobuf.Duration.newBuilder().setNanos((int) (totalMicros * 1000))))
        .setRequestId("req-" + time.toEpochMilli() + "-" + status)
        .build();
  }

  public static LogBatch logs(long id, ClientLog... logs) {
    return LogBatch.newBuilder().setBatchId(id).addAllLogs(List.of(logs)).build();
  }

  public static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
