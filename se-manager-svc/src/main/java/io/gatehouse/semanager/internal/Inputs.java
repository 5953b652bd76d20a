package io.gatehouse.semanager.internal;

import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.policy.v1.DeploymentMethod;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.common.grpc.BearerToken;
import io.gatehouse.common.tls.GrpcTls;
import io.gatehouse.semanager.compile.AppView;
import io.gatehouse.semanager.compile.ConfigCompiler;
import io.gatehouse.semanager.compile.PolicyView;
import io.gatehouse.semanager.follow.AppFollower;
import io.gatehouse.semanager.follow.NodeFollower;
import io.gatehouse.semanager.follow.PolicyFollower;
import io.gatehouse.semanager.lifecycle.Reconciler;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.semanager.push.ResourceSet;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Feeds the push and the reconciler: follows policy-svc (and discovery-svc, when configured, for
 * Marathon app members and the Mesos agents) and, whenever either changes, compiles the latest of
 * both for every connected engine and publishes the result; the reconciler, when the lifecycle is
 * enabled, hears every change of the service engine groups and of the agents.
 *
 * <p>An engine's east-west listeners bind on its group's {@code east_west_bind_address}; else, for
 * a group deployed locally (engines of several simulated nodes share one machine), on its node's
 * address; else on {@code gatehouse.semanager.policy.east-west-address}.
 */
@Context
@Requires(property = "gatehouse.semanager.policy.target")
public final class Inputs {
  private final ConfigPush push;
  private final ConfigCompiler compiler = new ConfigCompiler();
  private final String eastWestAddress;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final GrpcTls tls;
  private final PolicyFollower policy;
  private final AppFollower apps;
  private final NodeFollower nodes;
  private final Reconciler reconciler;
  private final DeploymentMethod defaultMethod;
  private PolicyView policyView;
  private AppView appView = AppView.of(List.of());
  private volatile Map<String, Node> nodeView = Map.of();

  public Inputs(
      PolicyConfig policyConfig,
      DiscoveryConfig discoveryConfig,
      LifecycleConfig lifecycleConfig,
      ConfigPush push,
      @Nullable Reconciler reconciler,
      GrpcTls tls) {
    this.tls = tls;
    this.push = push;
    this.reconciler = reconciler;
    this.eastWestAddress = policyConfig.eastWestAddress();
    this.defaultMethod =
        "local".equalsIgnoreCase(lifecycleConfig.defaultMethod())
            ? DeploymentMethod.DEPLOYMENT_METHOD_LOCAL
            : DeploymentMethod.DEPLOYMENT_METHOD_MARATHON;
    this.policy =
        new PolicyFollower(
                channel(policyConfig.target(), policyConfig.token(), "gatehouse.semanager.policy"),
                view -> changed(view, null, null))
            .start();
    Channel discovery =
        discoveryConfig.target() == null
            ? null
            : channel(
                discoveryConfig.target(), discoveryConfig.token(), "gatehouse.semanager.discovery");
    this.apps =
        discovery == null
            ? null
            : new AppFollower(discovery, (view, cause) -> changed(null, view, cause)).start();
    if (reconciler != null && discovery == null) {
      throw new ConfigurationException(
          "gatehouse.semanager.lifecycle.enabled needs gatehouse.semanager.discovery.target:"
              + " engines are placed on the Mesos agents discovery-svc follows");
    }
    this.nodes =
        discovery == null
            ? null
            : new NodeFollower(
                    discovery,
                    view -> {
                      Map<String, Node> before = nodeView;
                      nodeView = view;
                      if (reconciler != null) {
                        reconciler.nodes(view);
                      }
                      if (!addresses(before).equals(addresses(view))) {
                        changed(null, null, null); // local engines bind on their node's address
                      }
                    })
                .start();
  }

  /** The service engine groups as policy-svc has them now (none before the first snapshot). */
  public synchronized java.util.Collection<ServiceEngineGroup> seGroups() {
    return policyView == null ? List.of() : policyView.seGroups().values();
  }

  /** Whether the first policy snapshot has been compiled and published. */
  public boolean synced() {
    return policy.synced();
  }

  private synchronized void changed(PolicyView newPolicy, AppView newApps, Instant cause) {
    if (newPolicy != null) {
      policyView = newPolicy;
      if (reconciler != null) {
        reconciler.groups(newPolicy.seGroups());
      }
    }
    if (newApps != null) {
      appView = newApps;
    }
    if (policyView == null) {
      return; // nothing to compile before the first policy snapshot
    }
    PolicyView currentPolicy = policyView;
    AppView currentApps = appView;
    compiler.nextChange();
    // engines of one group on one east-west address run the same resources: compile once for
    // them, now and for those that connect until the next change
    Map<ConfigCompiler.Engine, ResourceSet> compiled = new ConcurrentHashMap<>();
    push.publish(
        engine ->
            compiled.computeIfAbsent(
                new ConfigCompiler.Engine(
                    engine.seGroup().isEmpty() ? "default" : engine.seGroup(),
                    eastWestAddress(currentPolicy, engine)),
                alike -> compiler.compile(currentPolicy, currentApps, alike)),
        cause);
  }

  private static Map<String, String> addresses(Map<String, Node> nodes) {
    Map<String, String> addresses = new java.util.HashMap<>();
    nodes.forEach((id, node) -> addresses.put(id, node.getAddress()));
    return addresses;
  }

  private String eastWestAddress(PolicyView policy, ConfigPush.EngineInfo engine) {
    ServiceEngineGroup group =
        policy.seGroups().get(engine.seGroup().isEmpty() ? "default" : engine.seGroup());
    if (group != null && !group.getEastWestBindAddress().isEmpty()) {
      return group.getEastWestBindAddress();
    }
    DeploymentMethod method =
        group == null
                || group.getDeploymentMethod() == DeploymentMethod.DEPLOYMENT_METHOD_UNSPECIFIED
            ? defaultMethod
            : group.getDeploymentMethod();
    Node node = nodeView.get(engine.nodeId());
    if (method == DeploymentMethod.DEPLOYMENT_METHOD_LOCAL && node != null) {
      return node.getAddress();
    }
    return eastWestAddress;
  }

  private Channel channel(String target, String token, String prefix) {
    if (token == null || token.isBlank()) {
      throw new ConfigurationException(
          prefix + ".token is required with " + prefix + ".target: se-manager-svc's token there");
    }
    ManagedChannel channel = tls.channel(target, prefix + ".server-name");
    channels.add(channel);
    return BearerToken.attach(channel, token);
  }

  @PreDestroy
  void stop() {
    policy.close();
    if (apps != null) {
      apps.close();
    }
    if (nodes != null) {
      nodes.close();
    }
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
