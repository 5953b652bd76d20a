package io.gatehouse.analytics.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.analytics.AnalyticsDatabase;
import io.gatehouse.api.analytics.v1.AutoscaleAction;
import io.gatehouse.api.analytics.v1.AutoscaleDecision;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The decision log keeps every figure behind a decision; only real changes start a cooldown. */
class DecisionStoreIT {
  private final DataSource dataSource = AnalyticsDatabase.fresh(null);
  private final DecisionStore store = new DecisionStore(dataSource);

  private static AutoscaleDecision.Builder decision(AutoscaleAction action) {
    return AutoscaleDecision.newBuilder()
        .setPolicy("web-rps")
        .setPool("web")
        .setMarathonFramework("default")
        .setAppId("/web")
        .setAction(action)
        .setCurrentInstances(3)
        .setTargetInstances(4)
        .setMetric("AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE")
        .setObservedValue(123.5)
        .setThreshold(100)
        .setMessage("autoscale policy web-rps: ... 123.50 > 100.00");
  }

  @Test
  void aDecisionIsKeptWithItsFigures() throws Exception {
    store.record(
        decision(AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT).setDeploymentId("d-7").build());

    AutoscaleDecision kept = store.latest("default", "/web").orElseThrow();
    assertThat(kept.getAction()).isEqualTo(AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT);
    assertThat(kept.getCurrentInstances()).isEqualTo(3);
    assertThat(kept.getTargetInstances()).isEqualTo(4);
    assertThat(kept.getObservedValue()).isEqualTo(123.5);
    assertThat(kept.getThreshold()).isEqualTo(100);
    assertThat(kept.getMetric()).isEqualTo("AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE");
    assertThat(kept.getDeploymentId()).isEqualTo("d-7");
    assertThat(kept.getPolicy()).isEqualTo("web-rps");
    assertThat(kept.getPool()).isEqualTo("web");
    assertThat(kept.getMessage()).isEqualTo("autoscale policy web-rps: ... 123.50 > 100.00");
  }

  @Test
  void onlyARealScaleStartsTheCooldown() throws Exception {
    store.record(decision(AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT).setDryRun(true).build());
    store.record(decision(AutoscaleAction.AUTOSCALE_ACTION_COOLDOWN).build());
    store.record(decision(AutoscaleAction.AUTOSCALE_ACTION_POSTPONED).build());
    store.record(decision(AutoscaleAction.AUTOSCALE_ACTION_FAILED).build());
    assertThat(store.lastScaled("default", "/web")).as("dry runs and held decisions").isEmpty();

    Instant before = Instant.now().minusSeconds(5);
    store.record(decision(AutoscaleAction.AUTOSCALE_ACTION_SCALE_IN).build());
    assertThat(store.lastScaled("default", "/web"))
        .hasValueSatisfying(t -> assertThat(t).isAfter(before));
    assertThat(store.lastScaled("default", "/other")).isEmpty();
  }
}
