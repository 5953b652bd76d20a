package io.gatehouse.semanager.internal;

import io.gatehouse.semanager.compile.AppView;
import io.gatehouse.semanager.compile.ConfigCompiler;
import io.gatehouse.semanager.follow.PolicyFollower;
import io.gatehouse.semanager.push.ConfigPush;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import java.util.List;

/**
 * Feeds the push from policy-svc: every change of the policy view is compiled for each connected
 * engine and published. (Marathon app members from discovery-svc join next.)
 */
@Context
@Requires(property = "gatehouse.semanager.policy.target")
public final class PolicyInputs {
  private final ManagedChannel channel;
  private final PolicyFollower follower;

  public PolicyInputs(PolicyConfig config, ConfigPush push) {
    if (config.token() == null || config.token().isBlank()) {
      throw new ConfigurationException(
          "gatehouse.semanager.policy.token is required with gatehouse.semanager.policy.target: se-manager-svc's token at policy-svc");
    }
    channel = NettyChannelBuilder.forTarget(config.target()).usePlaintext().build();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + config.token());
    ConfigCompiler compiler = new ConfigCompiler();
    AppView noApps = AppView.of(List.of());
    follower =
        new PolicyFollower(
                ClientInterceptors.intercept(
                    channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
                view ->
                    push.publish(
                        engine ->
                            compiler.compile(
                                view,
                                noApps,
                                new ConfigCompiler.Engine(
                                    engine.id(), engine.seGroup(), config.eastWestAddress()))))
            .start();
  }

  /** Whether the first policy snapshot has been compiled and published. */
  public boolean synced() {
    return follower.synced();
  }

  @PreDestroy
  void stop() {
    follower.close();
    channel.shutdownNow();
  }
}
