package io.gatehouse.discovery.internal;

import io.gatehouse.discovery.labels.LabelError;
import io.gatehouse.discovery.policy.PolicyWriter;
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
import java.util.Map;
import java.util.TreeMap;

/** One {@link PolicyWriter} per followed Marathon, writing to policy-svc with discovery's token. */
@Context
@Requires(property = "gatehouse.discovery.policy.target")
public final class PolicyWriters {
  private final ManagedChannel channel;
  private final Map<String, PolicyWriter> byFramework = new TreeMap<>();

  public PolicyWriters(Frameworks frameworks, PolicyConfig config) {
    if (config.token() == null || config.token().isBlank()) {
      throw new ConfigurationException(
          "gatehouse.discovery.policy.token is required with gatehouse.discovery.policy.target: discovery-svc's token at policy-svc");
    }
    channel = NettyChannelBuilder.forTarget(config.target()).usePlaintext().build();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + config.token());
    var authorized =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    for (Frameworks.Framework framework : frameworks.all()) {
      byFramework.put(
          framework.name(),
          new PolicyWriter(
                  framework.name(),
                  framework.model(),
                  framework.translator(),
                  authorized,
                  config.coalesce())
              .start());
    }
  }

  /** What policy-svc refused for an app. */
  public List<LabelError> rejected(String framework, String appId) {
    PolicyWriter writer = byFramework.get(framework);
    return writer == null ? List.of() : writer.rejected(appId);
  }

  @PreDestroy
  void stop() {
    byFramework.values().forEach(PolicyWriter::close);
    channel.shutdownNow();
  }
}
