package io.gatehouse.engine.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.analytics.v1.MetricBatch;
import io.gatehouse.api.analytics.v1.PoolMemberMetrics;
import io.gatehouse.api.analytics.v1.VirtualServiceMetrics;
import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.testing.RunningEngine;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricBatchesTest {
  @Test
  void eachBatchCarriesWhatWasCountedSinceTheLastAndMembersWithTheirApps() {
    ServiceEngine engine = RunningEngine.start();
    try {
      engine.apply(
          EngineConfig.of(
              List.of(
                  new VirtualServiceConfig(
                      "web",
                      List.of(
                          new ListenerConfig("127.0.0.1", RunningEngine.freePort(), Protocol.HTTP)),
                      "web")),
              List.of(
                  new PoolConfig(
                      "web",
                      LbAlgorithm.ROUND_ROBIN,
                      List.of(new EndpointConfig("10.0.0.7", 31005, 1, "/shop/web")),
                      Duration.ofSeconds(1)))));
      MetricBatches batches = new MetricBatches();
      var stats = engine.services().get("web").stats();
      stats.request();
      stats.request();
      stats.response(200);
      stats.response(503);

      MetricBatch first = batches.build(1, engine.timing().collect(), engine.services().values());
      stats.request();
      stats.response(200);
      MetricBatch second = batches.build(2, engine.timing().collect(), engine.services().values());

      VirtualServiceMetrics web = first.getVirtualServices(0);
      assertThat(web.getCounters().getRequests()).isEqualTo(2);
      assertThat(web.getCounters().getResponses5Xx()).isEqualTo(1);
      assertThat(second.getVirtualServices(0).getCounters().getRequests()).isEqualTo(1);
      assertThat(second.getVirtualServices(0).getCounters().getResponses5Xx()).isZero();
      PoolMemberMetrics member = web.getPoolMembers(0);
      assertThat(member.getAppId()).isEqualTo("/shop/web");
      assertThat(member.getAddress()).isEqualTo("10.0.0.7:31005");
      assertThat(web.getTotalMembers()).isEqualTo(1);

      MetricBatch merged = MetricBatches.merge(first, second);
      assertThat(merged.getBatchId()).isEqualTo(1);
      assertThat(merged.getVirtualServices(0).getCounters().getRequests()).isEqualTo(3);
      assertThat(merged.getEndTime()).isEqualTo(second.getEndTime());
      assertThat(merged.getEngine().getMergedIntervals()).isEqualTo(1);
    } finally {
      engine.close();
    }
  }
}
