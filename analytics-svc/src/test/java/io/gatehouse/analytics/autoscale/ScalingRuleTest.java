package io.gatehouse.analytics.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.analytics.v1.AutoscaleAction;
import io.gatehouse.api.policy.v1.AutoscaleMetric;
import io.gatehouse.api.policy.v1.AutoscalePolicy;
import io.gatehouse.api.policy.v1.ObjectMeta;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The autoscaler's rule, at a clock the test sets. */
class ScalingRuleTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  /** 100 requests/s per instance out, 20 in; 2 to 8 instances; steps of 1. */
  private static AutoscalePolicy.Builder policy() {
    return AutoscalePolicy.newBuilder()
        .setMeta(ObjectMeta.newBuilder().setName("web-rps"))
        .setMetric(AutoscaleMetric.AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE)
        .setScaleOutThreshold(100)
        .setScaleInThreshold(20)
        .setMinInstances(2)
        .setMaxInstances(8);
  }

  @Test
  void aboveTheScaleOutThresholdAddsTheStepAndNoMoreThanTheMost() {
    assertThat(ScalingRule.step(policy().build(), 3, 100.01))
        .contains(new ScalingRule.Step(AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT, 4, 100));
    assertThat(ScalingRule.step(policy().setScaleOutStep(3).build(), 3, 500))
        .map(ScalingRule.Step::target)
        .contains(6);
    assertThat(ScalingRule.step(policy().setScaleOutStep(3).build(), 7, 500))
        .map(ScalingRule.Step::target)
        .as("capped at max_instances")
        .contains(8);
    assertThat(ScalingRule.step(policy().build(), 8, 500)).as("at the most: nothing").isEmpty();
  }

  @Test
  void belowTheScaleInThresholdRemovesTheStepAndNoMoreThanTheFewest() {
    assertThat(ScalingRule.step(policy().build(), 5, 19.99))
        .contains(new ScalingRule.Step(AutoscaleAction.AUTOSCALE_ACTION_SCALE_IN, 4, 20));
    assertThat(ScalingRule.step(policy().setScaleInStep(2).build(), 5, 0))
        .map(ScalingRule.Step::target)
        .contains(3);
    assertThat(ScalingRule.step(policy().setScaleInStep(4).build(), 5, 0))
        .map(ScalingRule.Step::target)
        .as("floored at min_instances")
        .contains(2);
    assertThat(ScalingRule.step(policy().build(), 2, 0)).as("at the fewest: nothing").isEmpty();
    assertThat(ScalingRule.step(policy().setMinInstances(0).build(), 1, 0))
        .as("never under one instance")
        .isEmpty();
  }

  @Test
  void onAThresholdOrBetweenThemNothingChanges() {
    assertThat(ScalingRule.step(policy().build(), 4, 100)).isEmpty();
    assertThat(ScalingRule.step(policy().build(), 4, 20)).isEmpty();
    assertThat(ScalingRule.step(policy().build(), 4, 60)).isEmpty();
  }

  @Test
  void aStepOfZeroIsAStepOfOne() {
    assertThat(ScalingRule.step(policy().setScaleOutStep(0).build(), 3, 500))
        .map(ScalingRule.Step::target)
        .contains(4);
    assertThat(ScalingRule.step(policy().setScaleInStep(0).build(), 3, 0))
        .map(ScalingRule.Step::target)
        .contains(2);
  }

  @Test
  void theCooldownHoldsBackAChangeUntilItHasPassed() {
    AutoscalePolicy fiveMinutes = policy().build(); // the default cooldown
    AutoscalePolicy oneMinute =
        policy().setCooldown(com.google.protobuf.Duration.newBuilder().setSeconds(60)).build();

    assertThat(ScalingRule.cooling(fiveMinutes, Optional.empty(), NOW)).isEmpty();
    assertThat(ScalingRule.cooling(fiveMinutes, Optional.of(NOW.minusSeconds(299)), NOW))
        .contains("scaled 299 s ago; cooldown 300 s");
    assertThat(ScalingRule.cooling(fiveMinutes, Optional.of(NOW.minusSeconds(300)), NOW)).isEmpty();
    assertThat(ScalingRule.cooling(oneMinute, Optional.of(NOW.minusSeconds(59)), NOW))
        .contains("scaled 59 s ago; cooldown 60 s");
    assertThat(ScalingRule.cooling(oneMinute, Optional.of(NOW.minusSeconds(61)), NOW)).isEmpty();
  }

  @Test
  void theWindowIsAMinuteUnlessSetAndNeverUnderTenSeconds() {
    assertThat(ScalingRule.window(policy().build())).isEqualTo(Duration.ofMinutes(1));
    assertThat(
            ScalingRule.window(
                policy()
                    .setEvaluationWindow(com.google.protobuf.Duration.newBuilder().setSeconds(300))
                    .build()))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(
            ScalingRule.window(
                policy()
                    .setEvaluationWindow(com.google.protobuf.Duration.newBuilder().setSeconds(2))
                    .build()))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void theReasonNamesThePolicyTheMetricTheFigureAndTheThreshold() {
    AutoscalePolicy p = policy().build();

    assertThat(ScalingRule.step(p, 3, 123.456).orElseThrow().reason(p, 123.456))
        .isEqualTo(
            "autoscale policy web-rps: AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE 123.46 >"
                + " 100.00");
    assertThat(ScalingRule.step(p, 3, 5).orElseThrow().reason(p, 5))
        .isEqualTo(
            "autoscale policy web-rps: AUTOSCALE_METRIC_REQUESTS_PER_SECOND_PER_INSTANCE 5.00 <"
                + " 20.00");
  }
}
