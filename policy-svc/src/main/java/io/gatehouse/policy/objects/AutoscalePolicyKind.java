package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.AutoscaleMetric;
import io.gatehouse.api.policy.v1.AutoscalePolicy;
import io.gatehouse.api.policy.v1.ObjectKind;
import java.time.Duration;

/** Autoscale policies: bounds, a metric with thresholds, steps and a cooldown. */
public final class AutoscalePolicyKind extends PolicyKind<AutoscalePolicy> {
  public AutoscalePolicyKind() {
    super(
        ObjectKind.OBJECT_KIND_AUTOSCALE_POLICY,
        "autoscale_policy",
        AutoscalePolicy.getDefaultInstance());
  }

  @Override
  public void validate(AutoscalePolicy p, Violations v) {
    v.require(p.getMinInstances() >= 1, "min_instances", "must be at least 1");
    v.require(
        p.getMaxInstances() >= p.getMinInstances(),
        "max_instances",
        "must be at least min_instances (" + p.getMinInstances() + ")");
    v.require(p.getMaxInstances() <= 10_000, "max_instances", "must be at most 10000");
    v.require(
        p.getMetric() != AutoscaleMetric.AUTOSCALE_METRIC_UNSPECIFIED
            && p.getMetric() != AutoscaleMetric.UNRECOGNIZED,
        "metric",
        "is required: the figure compared with the thresholds");
    v.require(
        Double.isFinite(p.getScaleOutThreshold()) && p.getScaleOutThreshold() > 0,
        "scale_out_threshold",
        "must be a positive number");
    v.require(
        Double.isFinite(p.getScaleInThreshold()) && p.getScaleInThreshold() >= 0,
        "scale_in_threshold",
        "must be zero or more");
    v.require(
        p.getScaleInThreshold() < p.getScaleOutThreshold(),
        "scale_in_threshold",
        "must be below scale_out_threshold, or the app would flap");
    v.require(p.getScaleOutStep() >= 1, "scale_out_step", "must be at least 1");
    v.require(p.getScaleInStep() >= 1, "scale_in_step", "must be at least 1");
    v.duration(p.hasCooldown(), p.getCooldown(), Duration.ZERO, Duration.ofDays(1), "cooldown");
    v.duration(
        p.hasEvaluationWindow(),
        p.getEvaluationWindow(),
        Duration.ofSeconds(10),
        Duration.ofHours(1),
        "evaluation_window");
  }
}
