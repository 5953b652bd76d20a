package io.gatehouse.engine.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.policy.v1.AnalyticsPolicy;
import io.gatehouse.api.policy.v1.ClientInsights;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.VirtualServiceResource;
import org.junit.jupiter.api.Test;

class ResourceTranslatorTest {
  @Test
  void clientLogsNameTheirClientsUnlessTheServiceWantsNoInsights() {
    assertThat(clientDetails(ClientInsights.CLIENT_INSIGHTS_UNSPECIFIED)).isTrue();
    assertThat(clientDetails(ClientInsights.CLIENT_INSIGHTS_PASSIVE)).isTrue();
    assertThat(clientDetails(ClientInsights.CLIENT_INSIGHTS_NO_INSIGHTS)).isFalse();
  }

  private static boolean clientDetails(ClientInsights insights) {
    Resource resource =
        Resource.newBuilder()
            .setName("web")
            .setVirtualService(
                VirtualServiceResource.newBuilder()
                    .setPool("web")
                    .setAnalyticsPolicy(AnalyticsPolicy.newBuilder().setClientInsights(insights)))
            .build();
    return ResourceTranslator.virtualService(resource).clientLogs().clientDetails();
  }
}
