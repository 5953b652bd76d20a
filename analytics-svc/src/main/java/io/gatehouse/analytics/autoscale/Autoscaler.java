package io.gatehouse.analytics.autoscale;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.gatehouse.api.analytics.v1.AutoscaleAction;
import io.gatehouse.api.analytics.v1.AutoscaleDecision;
import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.AppKey;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.GetAppRequest;
import io.gatehouse.api.discovery.v1.ListNodesRequest;
import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.discovery.v1.ScaleAppRequest;
import io.gatehouse.api.policy.v1.AutoscalePolicy;
import io.gatehouse.api.policy.v1.ListAutoscalePoliciesRequest;
import io.gatehouse.api.policy.v1.ListAutoscalePoliciesResponse;
import io.gatehouse.api.policy.v1.ListPoolsRequest;
import io.gatehouse.api.policy.v1.ListPoolsResponse;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.Pool;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every autoscale policy on the pools that refer to it: the policy's metric over its
 * evaluation window, from the live 5 s rollups of the pool's members, against its thresholds; an
 * app above the scale-out threshold gets {@code scale_out_step} more instances (up to the most),
 * one below the scale-in threshold that many fewer (down to the fewest), through discovery-svc's
 * {@code ScaleApp}. A running Marathon deployment postpones the change (it is never forced), the
 * cooldown holds back a second change, dry-run policies only record. Every decision is recorded
 * with the figures behind it; a held-back one only when the previous decision for the app differs.
 */
public final class Autoscaler {
  private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);

  private final PolicyServiceGrpc.PolicyServiceBlockingStub policy;
  private final DiscoveryServiceGrpc.DiscoveryServiceBlockingStub discovery;
  private final DataSource dataSource;
  private final DecisionStore decisions;
  private final Clock clock;
  private final Set<String> reported = new HashSet<>();
  private final AutoscaleMetrics metrics;
  private List<Node> nodesThisPass; // discovery-svc's nodes, read at most once per evaluation

  public Autoscaler(
      Channel policyChannel,
      Channel discoveryChannel,
      DataSource dataSource,
      DecisionStore decisions,
      Clock clock) {
    this.policy = PolicyServiceGrpc.newBlockingStub(policyChannel);
    this.discovery = DiscoveryServiceGrpc.newBlockingStub(discoveryChannel);
    this.dataSource = dataSource;
    this.decisions = decisions;
    this.clock = clock;
    this.metrics = new AutoscaleMetrics(dataSource, clock, this::nodes);
  }

  /** discovery-svc's nodes: read once per evaluation, when a policy needs them. */
  private List<Node> nodes() {
    if (nodesThisPass == null) {
      nodesThisPass =
          discovery
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .listNodes(ListNodesRequest.getDefaultInstance())
              .getNodesList();
    }
    return nodesThisPass;
  }

  /** One evaluation of every policy on every pool that refers to it. */
  public synchronized void evaluate() throws SQLException {
    nodesThisPass = null;
    Map<String, AutoscalePolicy> policies = policies();
    for (Pool pool : pools()) {
      AutoscalePolicy p = policies.get(pool.getAutoscalePolicyRef());
      if (p == null) {
        reportOnce(
            "missing:" + pool.getMeta().getName(),
            "pool {} refers to autoscale policy {}, which does not exist",
            pool.getMeta().getName(),
            pool.getAutoscalePolicyRef());
        continue;
      }
      try {
        evaluate(p, pool);
      } catch (StatusRuntimeException e) {
        log.warn("autoscaling pool {}: {}", pool.getMeta().getName(), e.getStatus());
      }
    }
  }

  private void evaluate(AutoscalePolicy p, Pool pool) throws SQLException {
    String framework = pool.getMarathonApp().getMarathonFramework();
    String appId = pool.getMarathonApp().getAppId();
    App app =
        discovery
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getApp(
                GetAppRequest.newBuilder().setMarathonFramework(framework).setAppId(appId).build());
    int instances = app.getInstances();
    Optional<Double> observed = metrics.observe(p, pool.getMeta().getName(), app);
    if (observed.isEmpty()) {
      return;
    }
    double value = observed.get();
    AutoscaleDecision.Builder decision =
        AutoscaleDecision.newBuilder()
            .setPolicy(p.getMeta().getName())
            .setPool(pool.getMeta().getName())
            .setMarathonFramework(framework)
            .setAppId(appId)
            .setCurrentInstances(instances)
            .setMetric(p.getMetric().name())
            .setObservedValue(value)
            .setDryRun(p.getDryRun());
    Optional<ScalingRule.Step> step = ScalingRule.step(p, instances, value);
    if (step.isEmpty()) {
      return;
    }
    decision
        .setAction(step.get().action())
        .setThreshold(step.get().threshold())
        .setTargetInstances(step.get().target());
    int target = step.get().target();
    Optional<String> cooling =
        ScalingRule.cooling(p, decisions.lastScaled(framework, appId), clock.instant());
    if (cooling.isPresent()) {
      held(decision.setAction(AutoscaleAction.AUTOSCALE_ACTION_COOLDOWN).setMessage(cooling.get()));
      return;
    }
    String reason = step.get().reason(p, value);
    if (p.getDryRun()) {
      decisions.record(decision.setMessage("dry run: " + reason).build());
      return;
    }
    try {
      String deployment =
          discovery
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .scaleApp(
                  ScaleAppRequest.newBuilder()
                      .setApp(AppKey.newBuilder().setMarathonFramework(framework).setAppId(appId))
                      .setInstances(target)
                      .setReason(reason)
                      .build())
              .getDeploymentId();
      decisions.record(decision.setDeploymentId(deployment).setMessage(reason).build());
      log.info("{} {} -> {} instances ({})", appId, instances, target, reason);
    } catch (StatusRuntimeException e) {
      if (deploymentInProgress(e)) {
        held(
            decision
                .setAction(AutoscaleAction.AUTOSCALE_ACTION_POSTPONED)
                .setMessage("postponed: " + e.getStatus().getDescription()));
      } else {
        decisions.record(
            decision
                .setAction(AutoscaleAction.AUTOSCALE_ACTION_FAILED)
                .setMessage(String.valueOf(e.getStatus()))
                .build());
      }
    }
  }

  /** Records a held-back decision unless the app's last decision was the same kind. */
  private void held(AutoscaleDecision.Builder decision) throws SQLException {
    Optional<AutoscaleDecision> latest =
        decisions.latest(decision.getMarathonFramework(), decision.getAppId());
    if (latest.isEmpty() || latest.get().getAction() != decision.getAction()) {
      decisions.record(decision.build());
    }
  }

  private Map<String, AutoscalePolicy> policies() {
    Map<String, AutoscalePolicy> all = new HashMap<>();
    String token = "";
    do {
      ListAutoscalePoliciesResponse page =
          policy
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .listAutoscalePolicies(
                  ListAutoscalePoliciesRequest.newBuilder()
                      .setPageSize(1000)
                      .setPageToken(token)
                      .build());
      page.getAutoscalePoliciesList().forEach(p -> all.put(p.getMeta().getName(), p));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  private List<Pool> pools() {
    List<Pool> all = new java.util.ArrayList<>();
    String token = "";
    do {
      ListPoolsResponse page =
          policy
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .listPools(
                  ListPoolsRequest.newBuilder().setPageSize(1000).setPageToken(token).build());
      page.getPoolsList().stream()
          .filter(p -> !p.getAutoscalePolicyRef().isEmpty() && p.hasMarathonApp())
          .forEach(all::add);
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /** Whether discovery-svc refused a scale because the app's Marathon deployment runs. */
  static boolean deploymentInProgress(StatusRuntimeException e) {
    if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION) {
      return false;
    }
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return false;
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          if (detail.unpack(ErrorInfo.class).getReason().equals("DEPLOYMENT_IN_PROGRESS")) {
            return true;
          }
        } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
          return false;
        }
      }
    }
    return false;
  }

  private void reportOnce(String key, String message, Object... args) {
    if (reported.add(key)) {
      log.warn(message, args);
    }
  }
}
