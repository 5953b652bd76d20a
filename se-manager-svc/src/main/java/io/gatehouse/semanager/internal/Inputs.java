package io.gatehouse.semanager.internal;

import io.gatehouse.semanager.compile.AppView;
import io.gatehouse.semanager.compile.ConfigCompiler;
import io.gatehouse.semanager.compile.PolicyView;
import io.gatehouse.semanager.follow.AppFollower;
import io.gatehouse.semanager.follow.PolicyFollower;
import io.gatehouse.semanager.push.ConfigPush;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Feeds the push: follows policy-svc (and discovery-svc, when configured, for Marathon app members)
 * and, whenever either changes, compiles the latest of both for every connected engine and
 * publishes the result.
 */
@Context
@Requires(property = "gatehouse.semanager.policy.target")
public final class Inputs {
  private final ConfigPush push;
  private final ConfigCompiler compiler = new ConfigCompiler();
  private final String eastWestAddress;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final PolicyFollower policy;
  private final AppFollower apps;
  private PolicyView policyView;
  private AppView appView = new AppView(Map.of());

  public Inputs(PolicyConfig policyConfig, DiscoveryConfig discoveryConfig, ConfigPush push) {
    this.push = push;
    this.eastWestAddress = policyConfig.eastWestAddress();
    this.policy =
        new PolicyFollower(
                channel(policyConfig.target(), policyConfig.token(), "gatehouse.semanager.policy"),
                view -> changed(view, null, null))
            .start();
    this.apps =
        discoveryConfig.target() == null
            ? null
            : new AppFollower(
                    channel(
                        discoveryConfig.target(),
                        discoveryConfig.token(),
                        "gatehouse.semanager.discovery"),
                    (view, cause) -> changed(null, view, cause))
                .start();
  }

  /** Whether the first policy snapshot has been compiled and published. */
  public boolean synced() {
    return policy.synced();
  }

  private synchronized void changed(PolicyView newPolicy, AppView newApps, Instant cause) {
    if (newPolicy != null) {
      policyView = newPolicy;
    }
    if (newApps != null) {
      appView = newApps;
    }
    if (policyView == null) {
      return; // nothing to compile before the first policy snapshot
    }
    PolicyView currentPolicy = policyView;
    AppView currentApps = appView;
    push.publish(
        engine ->
            compiler.compile(
                currentPolicy,
                currentApps,
                new ConfigCompiler.Engine(engine.id(), engine.seGroup(), eastWestAddress)),
        cause);
  }

  private Channel channel(String target, String token, String prefix) {
    if (token == null || token.isBlank()) {
      throw new ConfigurationException(
          prefix + ".token is required with " + prefix + ".target: se-manager-svc's token there");
    }
    ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    channels.add(channel);
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @PreDestroy
  void stop() {
    policy.close();
    if (apps != null) {
      apps.close();
    }
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
