package io.gatehouse.analytics.autoscale;

import io.gatehouse.api.analytics.v1.AutoscaleAction;
import io.gatehouse.api.policy.v1.AutoscalePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * What an autoscale policy asks of an app, from the figure observed over its window: nothing within
 * the thresholds or at a bound; above the scale-out threshold {@code scale_out_step} more instances
 * (at least one, at most {@code max_instances}); below the scale-in threshold {@code scale_in_step}
 * fewer (at least one, never under {@code min_instances} nor under one); held back while the last
 * change is younger than the cooldown.
 */
final class ScalingRule {
  static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  static final Duration MIN_WINDOW = Duration.ofSeconds(10);
  static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);

  private ScalingRule() {}

  /**
   * A change the policy asks for.
   *
   * @param action scale out or in
   * @param target the instances wanted
   * @param threshold the threshold crossed
   */
  record Step(AutoscaleAction action, int target, double threshold) {
    /** Why, in the decision log's words. */
    String reason(AutoscalePolicy p, double observed) {
      return String.format(
          Locale.ROOT,
          "autoscale policy %s: %s %.2f %s %.2f",
          p.getMeta().getName(),
          p.getMetric().name(),
          observed,
          action == AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT ? ">" : "<",
          threshold);
    }
  }

  /** The change {@code p} asks of an app of {@code instances} that showed {@code observed}. */
  static Optional<Step> step(AutoscalePolicy p, int instances, double observed) {
    int fewest = Math.max(1, p.getMinInstances());
    if (observed > p.getScaleOutThreshold() && instances < p.getMaxInstances()) {
      int target = Math.min(p.getMaxInstances(), instances + Math.max(1, p.getScaleOutStep()));
      return Optional.of(
          new Step(AutoscaleAction.AUTOSCALE_ACTION_SCALE_OUT, target, p.getScaleOutThreshold()));
    }
    if (observed < p.getScaleInThreshold() && instances > fewest) {
      int target = Math.max(fewest, instances - Math.max(1, p.getScaleInStep()));
      return Optional.of(
          new Step(AutoscaleAction.AUTOSCALE_ACTION_SCALE_IN, target, p.getScaleInThreshold()));
    }
    return Optional.empty(); // within the thresholds, or at a bound
  }

  /**
   * Why a change must wait, when the app last changed within the policy's cooldown ({@code
   * lastScaled}) before {@code now}; empty when it may go ahead.
   */
  static Optional<String> cooling(AutoscalePolicy p, Optional<Instant> lastScaled, Instant now) {
    Duration cooldown = duration(p.getCooldown(), DEFAULT_COOLDOWN);
    if (lastScaled.isEmpty()) {
      return Optional.empty();
    }
    Duration since = Duration.between(lastScaled.get(), now);
    return since.compareTo(cooldown) < 0
        ? Optional.of(
            "scaled " + since.toSeconds() + " s ago; cooldown " + cooldown.toSeconds() + " s")
        : Optional.empty();
  }

  /** The policy's evaluation window: one minute when unset, never under ten seconds. */
  static Duration window(AutoscalePolicy p) {
    Duration window = duration(p.getEvaluationWindow(), DEFAULT_WINDOW);
    return window.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : window;
  }

  private static Duration duration(com.google.protobuf.Duration d, Duration fallback) {
    return d.getSeconds() == 0 && d.getNanos() == 0
        ? fallback
        : Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }
}
