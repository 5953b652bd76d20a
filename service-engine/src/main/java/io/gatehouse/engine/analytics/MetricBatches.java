package io.gatehouse.engine.analytics;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.gatehouse.api.analytics.v1.Histogram;
import io.gatehouse.api.analytics.v1.MetricBatch;
import io.gatehouse.api.analytics.v1.PoolMemberMetrics;
import io.gatehouse.api.analytics.v1.TimingHistograms;
import io.gatehouse.api.analytics.v1.TrafficCounters;
import io.gatehouse.api.analytics.v1.VirtualServiceMetrics;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.timing.TimingCollector;
import io.gatehouse.engine.timing.TimingComponent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;

/**
 * Builds one metric batch per timing interval: every virtual service's counters since the last
 * batch (from its running totals), its and its members' timing histograms of the interval, and its
 * members' health; and merges batches that could not be sent (counters add, histograms merge). Used
 * by one thread at a time.
 */
final class MetricBatches {
  private final Map<ServiceStats, long[]> previous = new IdentityHashMap<>();
  private final Map<Endpoint, long[]> previousMembers = new IdentityHashMap<>();
  private Instant lastEnd;

  /** The batch of {@code interval} for {@code services}. */
  MetricBatch build(
      long batchId, TimingCollector.Interval interval, Collection<VirtualService> services) {
    Instant start = lastEnd == null ? interval.end().minusSeconds(1) : lastEnd;
    lastEnd = interval.end();
    MetricBatch.Builder batch =
        MetricBatch.newBuilder()
            .setBatchId(batchId)
            .setStartTime(ts(start))
            .setEndTime(ts(interval.end()));
    Map<ServiceStats, long[]> seen = new IdentityHashMap<>();
    Map<Endpoint, long[]> seenMembers = new IdentityHashMap<>();
    for (VirtualService vs : services) {
      ServiceStats stats = vs.stats();
      long[] now = snapshot(stats);
      long[] before = previous.getOrDefault(stats, new long[now.length]);
      seen.put(stats, now);
      VirtualServiceMetrics.Builder metrics =
          VirtualServiceMetrics.newBuilder()
              .setVirtualService(vs.name())
              .setCounters(
                  TrafficCounters.newBuilder()
                      .setRequests(now[0] - before[0])
                      .setResponses1Xx(now[1] - before[1])
                      .setResponses2Xx(now[2] - before[2])
                      .setResponses3Xx(now[3] - before[3])
                      .setResponses4Xx(now[4] - before[4])
                      .setResponses5Xx(now[5] - before[5])
                      .setBytesIn(now[6] - before[6])
                      .setBytesOut(now[7] - before[7])
                      .setConnectionsOpened(now[8] - before[8])
                      .setConnectionsDenied(now[9] - before[9])
                      .setRateLimited(now[10] - before[10])
                      .setOpenConnections(stats.connectionsOpen()));
      org.HdrHistogram.Histogram[] timings = interval.services().get(vs.name());
      if (timings != null) {
        metrics.setTimings(timings(timings));
      }
      Pool pool = vs.pool();
      if (pool != null) {
        int healthy = 0;
        for (Endpoint member : pool.members()) {
          if (member.up()) {
            healthy++;
          }
          long[] m = {
            member.requests(), member.connectFailures(), member.bytesIn(), member.bytesOut()
          };
          long[] mBefore = previousMembers.getOrDefault(member, new long[m.length]);
          seenMembers.put(member, m);
          PoolMemberMetrics.Builder memberMetrics =
              PoolMemberMetrics.newBuilder()
                  .setPool(pool.name())
                  .setEndpointId(member.id())
                  .setAppId(member.appId())
                  .setAddress(member.address().getHostString() + ":" + member.address().getPort())
                  .setCounters(
                      TrafficCounters.newBuilder()
                          .setRequests(m[0] - mBefore[0])
                          .setConnectErrors(m[1] - mBefore[1])
                          .setBytesIn(m[2] - mBefore[2])
                          .setBytesOut(m[3] - mBefore[3]));
          org.HdrHistogram.Histogram[] memberTimings =
              interval.members().get(pool.name() + "/" + member.id());
          if (memberTimings != null) {
            memberMetrics.setTimings(timings(memberTimings));
          }
          metrics.addPoolMembers(memberMetrics);
        }
        metrics.setHealthyMembers(healthy).setTotalMembers(pool.members().size());
      }
      batch.addVirtualServices(metrics);
    }
    previous.clear();
    previous.putAll(seen);
    previousMembers.clear();
    previousMembers.putAll(seenMembers);
    return batch.build();
  }

  private static long[] snapshot(ServiceStats s) {
    return new long[] {
      s.requests(),
      s.responses(1),
      s.responses(2),
      s.responses(3),
      s.responses(4),
      s.responses(5),
      s.bytesIn(),
      s.bytesOut(),
      s.connectionsOpened(),
      s.deniedConnections(),
      s.rateLimited()
    };
  }

  private static TimingHistograms timings(org.HdrHistogram.Histogram[] h) {
    return TimingHistograms.newBuilder()
        .setClientRtt(histogram(h[TimingComponent.CLIENT_RTT.ordinal()]))
        .setServerRtt(histogram(h[TimingComponent.SERVER_RTT.ordinal()]))
        .setAppResponse(histogram(h[TimingComponent.APP_RESPONSE.ordinal()]))
        .setDataTransfer(histogram(h[TimingComponent.DATA_TRANSFER.ordinal()]))
        .setTotal(histogram(h[TimingComponent.TOTAL.ordinal()]))
        .setMemberConnect(histogram(h[TimingComponent.MEMBER_CONNECT.ordinal()]))
        .build();
  }

  static Histogram histogram(org.HdrHistogram.Histogram h) {
    if (h == null || h.getTotalCount() == 0) {
      return Histogram.getDefaultInstance();
    }
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoByteBuffer(buffer); // not deflated: see Histogram.hdr
    return Histogram.newBuilder()
        .setHdr(ByteString.copyFrom(buffer.array(), 0, length))
        .setCount(h.getTotalCount())
        .build();
  }

  /**
   * {@code later} folded into {@code earlier}: one batch for both intervals (the earlier's id),
   * counters added, gauges from the later, histograms merged.
   */
  static MetricBatch merge(MetricBatch earlier, MetricBatch later) {
    Map<String, VirtualServiceMetrics> byName = new LinkedHashMap<>();
    earlier.getVirtualServicesList().forEach(v -> byName.put(v.getVirtualService(), v));
    for (VirtualServiceMetrics v : later.getVirtualServicesList()) {
      VirtualServiceMetrics before = byName.get(v.getVirtualService());
      byName.put(v.getVirtualService(), before == null ? v : merge(before, v));
    }
    return earlier.toBuilder()
        .setEndTime(later.getEndTime())
        .clearVirtualServices()
        .addAllVirtualServices(byName.values())
        .setEngine(
            earlier.getEngine().toBuilder()
                .setMergedIntervals(
                    earlier.getEngine().getMergedIntervals()
                        + later.getEngine().getMergedIntervals()
                        + 1))
        .build();
  }

  private static VirtualServiceMetrics merge(VirtualServiceMetrics a, VirtualServiceMetrics b) {
    Map<String, PoolMemberMetrics> members = new LinkedHashMap<>();
    a.getPoolMembersList().forEach(m -> members.put(m.getPool() + "/" + m.getEndpointId(), m));
    for (PoolMemberMetrics m : b.getPoolMembersList()) {
      String key = m.getPool() + "/" + m.getEndpointId();
      PoolMemberMetrics before = members.get(key);
      members.put(
          key,
          before == null
              ? m
              : m.toBuilder()
                  .setCounters(add(before.getCounters(), m.getCounters()))
                  .setTimings(merge(before.getTimings(), m.getTimings()))
                  .build());
    }
    return b.toBuilder()
        .setCounters(add(a.getCounters(), b.getCounters()))
        .setTimings(merge(a.getTimings(), b.getTimings()))
        .clearPoolMembers()
        .addAllPoolMembers(members.values())
        .build();
  }

  private static TrafficCounters add(TrafficCounters a, TrafficCounters b) {
    return TrafficCounters.newBuilder()
        .setRequests(a.getRequests() + b.getRequests())
        .setResponses1Xx(a.getResponses1Xx() + b.getResponses1Xx())
        .setResponses2Xx(a.getResponses2Xx() + b.getResponses2Xx())
        .setResponses3Xx(a.getResponses3Xx() + b.getResponses3Xx())
        .setResponses4Xx(a.getResponses4Xx() + b.getResponses4Xx())
        .setResponses5Xx(a.getResponses5Xx() + b.getResponses5Xx())
        .setConnectErrors(a.getConnectErrors() + b.getConnectErrors())
        .setBytesIn(a.getBytesIn() + b.getBytesIn())
        .setBytesOut(a.getBytesOut() + b.getBytesOut())
        .setConnectionsOpened(a.getConnectionsOpened() + b.getConnectionsOpened())
        .setConnectionsClosed(a.getConnectionsClosed() + b.getConnectionsClosed())
        .setOpenConnections(b.getOpenConnections())
        .setConnectionsDenied(a.getConnectionsDenied() + b.getConnectionsDenied())
        .setRateLimited(a.getRateLimited() + b.getRateLimited())
        .build();
  }

  private static TimingHistograms merge(TimingHistograms a, TimingHistograms b) {
    return TimingHistograms.newBuilder()
        .setClientRtt(merge(a.getClientRtt(), b.getClientRtt()))
        .setServerRtt(merge(a.getServerRtt(), b.getServerRtt()))
        .setAppResponse(merge(a.getAppResponse(), b.getAppResponse()))
        .setDataTransfer(merge(a.getDataTransfer(), b.getDataTransfer()))
        .setTotal(merge(a.getTotal(), b.getTotal()))
        .setMemberConnect(merge(a.getMemberConnect(), b.getMemberConnect()))
        .build();
  }

  private static Histogram merge(Histogram a, Histogram b) {
    if (a.getCount() == 0) {
      return b;
    }
    if (b.getCount() == 0) {
      return a;
    }
    org.HdrHistogram.Histogram sum = decode(a);
    sum.add(decode(b));
    return histogram(sum);
  }

  private static org.HdrHistogram.Histogram decode(Histogram h) {
    try {
      return h.getHdr().isEmpty()
          ? org.HdrHistogram.Histogram.decodeFromCompressedByteBuffer(
              h.getHdrCompressed().asReadOnlyByteBuffer(), 0)
          : org.HdrHistogram.Histogram.decodeFromByteBuffer(h.getHdr().asReadOnlyByteBuffer(), 0);
    } catch (DataFormatException e) {
      throw new IllegalStateException("a histogram this engine encoded does not decode", e);
    }
  }

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
