package io.gatehouse.engine.admin;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.timing.TimingComponent;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * The engine's Prometheus metrics, read from the live counters at scrape time (virtual services and
 * members come and go with the configuration; nothing is registered per request).
 */
final class EngineMetrics implements MultiCollector {
  private final ServiceEngine engine;

  EngineMetrics(ServiceEngine engine) {
    this.engine = engine;
  }

  @Override
  public MetricSnapshots collect() {
    var services = engine.services().values();
    var pools = engine.pools().values();
    MetricSnapshots.Builder snapshots = MetricSnapshots.builder();
    snapshots.metricSnapshot(
        serviceCounter(
            "gatehouse_se_connections",
            "client connections accepted",
            services,
            ServiceStats::connectionsOpened));
    snapshots.metricSnapshot(
        serviceGauge(
            "gatehouse_se_connections_open",
            "client connections open now",
            services,
            ServiceStats::connectionsOpen));
    snapshots.metricSnapshot(
        serviceCounter(
            "gatehouse_se_denied_connections",
            "client connections (or UDP sessions) the security policy did not let in",
            services,
            ServiceStats::deniedConnections));
    snapshots.metricSnapshot(
        serviceCounter(
            "gatehouse_se_policy_denied_requests",
            "HTTP requests an HTTP policy rule denied",
            services,
            ServiceStats::policyDeniedRequests));
    snapshots.metricSnapshot(
        serviceCounter(
            "gatehouse_se_requests", "HTTP requests received", services, ServiceStats::requests));
    snapshots.metricSnapshot(
        serviceCounter(
            "gatehouse_se_received_bytes",
            "body bytes received from clients",
            services,
            ServiceStats::bytesIn));
    snapshots.metricSnapshot(
        serviceCounter(
            "gatehouse_se_sent_bytes",
            "body bytes sent to clients",
            services,
            ServiceStats::bytesOut));
    CounterSnapshot.Builder responses =
        CounterSnapshot.builder()
            .name("gatehouse_se_responses")
            .help("HTTP responses by status class");
    for (VirtualService vs : services) {
      for (int statusClass = 1; statusClass <= 5; statusClass++) {
        responses.dataPoint(
            CounterDataPointSnapshot.builder()
                .labels(Labels.of("virtual_service", vs.name(), "class", statusClass + "xx"))
                .value(vs.stats().responses(statusClass))
                .build());
      }
    }
    snapshots.metricSnapshot(responses.build());
    CounterSnapshot.Builder refused =
        CounterSnapshot.builder()
            .name("gatehouse_se_refused_connections")
            .help(
                "client connections or UDP sessions a resource or rate limit turned away, by"
                    + " reason: listener_full, udp_sessions_full, udp_source_network_full,"
                    + " service_full, connection_rate, client_connection_rate");
    for (VirtualService vs : services) {
      for (ServiceStats.Refusal why : ServiceStats.Refusal.values()) {
        refused.dataPoint(
            CounterDataPointSnapshot.builder()
                .labels(
                    Labels.of(
                        "virtual_service",
                        vs.name(),
                        "reason",
                        why.name().toLowerCase(java.util.Locale.ROOT)))
                .value(vs.stats().refusals(why))
                .build());
      }
    }
    snapshots.metricSnapshot(refused.build());
    CounterSnapshot.Builder limited =
        CounterSnapshot.builder()
            .name("gatehouse_se_rate_limited_requests")
            .help(
                "HTTP requests a virtual service's rate limits answered 429, by limit:"
                    + " request_rate, client_request_rate");
    for (VirtualService vs : services) {
      for (ServiceStats.RequestLimit why : ServiceStats.RequestLimit.values()) {
        limited.dataPoint(
            CounterDataPointSnapshot.builder()
                .labels(
                    Labels.of(
                        "virtual_service",
                        vs.name(),
                        "limit",
                        why.name().toLowerCase(java.util.Locale.ROOT)))
                .value(vs.stats().limitedRequests(why))
                .build());
      }
    }
    snapshots.metricSnapshot(limited.build());
    CounterSnapshot.Builder goaways =
        CounterSnapshot.builder()
            .name("gatehouse_se_http2_connection_errors")
            .help(
                "HTTP/2 client connections the engine ended with GOAWAY, by error (enhance_your_calm:"
                    + " floods of resets or control frames)");
    for (VirtualService vs : services) {
      for (io.netty.handler.codec.http2.Http2Error error :
          io.netty.handler.codec.http2.Http2Error.values()) {
        long n = vs.stats().http2ConnectionErrors(error);
        if (n > 0 || error == io.netty.handler.codec.http2.Http2Error.ENHANCE_YOUR_CALM) {
          goaways.dataPoint(
              CounterDataPointSnapshot.builder()
                  .labels(
                      Labels.of(
                          "virtual_service",
                          vs.name(),
                          "error",
                          error.name().toLowerCase(java.util.Locale.ROOT)))
                  .value(n)
                  .build());
        }
      }
    }
    snapshots.metricSnapshot(goaways.build());
    snapshots.metricSnapshot(
        memberGauge(
            "gatehouse_se_member_up",
            "1 while the member takes new traffic",
            pools,
            e -> e.up() ? 1 : 0));
    snapshots.metricSnapshot(
        memberGauge(
            "gatehouse_se_member_in_flight",
            "requests or connections at the member now",
            pools,
            Endpoint::inFlight));
    CounterSnapshot.Builder memberRequests =
        CounterSnapshot.builder()
            .name("gatehouse_se_member_requests")
            .help("requests or connections sent to the member");
    CounterSnapshot.Builder connectFailures =
        CounterSnapshot.builder()
            .name("gatehouse_se_member_connect_failures")
            .help("connections to the member that failed");
    for (Pool pool : pools) {
      for (Endpoint member : pool.members()) {
        Labels labels = Labels.of("pool", pool.name(), "member", member.id());
        memberRequests.dataPoint(
            CounterDataPointSnapshot.builder().labels(labels).value(member.requests()).build());
        connectFailures.dataPoint(
            CounterDataPointSnapshot.builder()
                .labels(labels)
                .value(member.connectFailures())
                .build());
      }
    }
    snapshots.metricSnapshot(memberRequests.build());
    snapshots.metricSnapshot(connectFailures.build());
    snapshots.metricSnapshot(timings(services));
    return snapshots.build();
  }

  /**
   * Each virtual service's request timing since start (up to the last second), per component, as a
   * Prometheus summary in seconds.
   */
  private static SummarySnapshot timings(Iterable<VirtualService> services) {
    SummarySnapshot.Builder summary =
        SummarySnapshot.builder()
            .name("gatehouse_se_request_timing_seconds")
            .help(
                "request time by component: client_rtt, server_rtt, app_response, data_transfer, total");
    for (VirtualService vs : services) {
      for (TimingComponent component : TimingComponent.values()) {
        Histogram h = vs.timings().cumulative(component);
        if (h.getTotalCount() == 0) {
          continue;
        }
        summary.dataPoint(
            SummaryDataPointSnapshot.builder()
                .labels(Labels.of("virtual_service", vs.name(), "component", component.label()))
                .count(h.getTotalCount())
                .sum(h.getMean() * h.getTotalCount() / 1e6)
                .quantiles(
                    Quantiles.of(
                        new Quantile(0.5, h.getValueAtPercentile(50) / 1e6),
                        new Quantile(0.9, h.getValueAtPercentile(90) / 1e6),
                        new Quantile(0.99, h.getValueAtPercentile(99) / 1e6),
                        new Quantile(0.999, h.getValueAtPercentile(99.9) / 1e6)))
                .build());
      }
    }
    return summary.build();
  }

  private static CounterSnapshot serviceCounter(
      String name,
      String help,
      Iterable<VirtualService> services,
      ToDoubleFunction<ServiceStats> value) {
    CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
    for (VirtualService vs : services) {
      counter.dataPoint(
          CounterDataPointSnapshot.builder()
              .labels(Labels.of("virtual_service", vs.name()))
              .value(value.applyAsDouble(vs.stats()))
              .build());
    }
    return counter.build();
  }

  private static GaugeSnapshot serviceGauge(
      String name,
      String help,
      Iterable<VirtualService> services,
      ToDoubleFunction<ServiceStats> value) {
    GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
    for (VirtualService vs : services) {
      gauge.dataPoint(
          GaugeDataPointSnapshot.builder()
              .labels(Labels.of("virtual_service", vs.name()))
              .value(value.applyAsDouble(vs.stats()))
              .build());
    }
    return gauge.build();
  }

  private static GaugeSnapshot memberGauge(
      String name, String help, Iterable<Pool> pools, ToDoubleFunction<Endpoint> value) {
    GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
    for (Pool pool : pools) {
      for (Endpoint member : pool.members()) {
        gauge.dataPoint(
            GaugeDataPointSnapshot.builder()
                .labels(Labels.of("pool", pool.name(), "member", member.id()))
                .value(value.applyAsDouble(member))
                .build());
      }
    }
    return gauge.build();
  }
}
