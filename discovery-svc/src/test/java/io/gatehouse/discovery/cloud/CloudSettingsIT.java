package io.gatehouse.discovery.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.GetSyncStatusRequest;
import io.gatehouse.api.discovery.v1.GetSyncStatusResponse;
import io.gatehouse.api.discovery.v1.ListAppsRequest;
import io.gatehouse.api.policy.v1.Cloud;
import io.gatehouse.api.policy.v1.CloudStatus;
import io.gatehouse.api.policy.v1.DeleteCloudRequest;
import io.gatehouse.api.policy.v1.GetCloudRequest;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.UpdateCloudRequest;
import io.gatehouse.discovery.SimClient;
import io.gatehouse.sim.Simulator;
import io.gatehouse.sim.SimulatorConfig;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.ServiceJar;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The cloud settings changed at run time: discovery-svc starts on one Marathon (its startup
 * configuration, which it writes into the Cloud it finds missing); an operator points the Cloud at
 * a second one that wants credentials, and discovery-svc follows it without a restart, no app
 * listed in both ever missing from its answers; a wrong URL is reported (in the sync status and on
 * the Cloud's status) while the last good sync keeps serving; deleting the Cloud goes back to the
 * startup configuration.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudSettingsIT implements TestPropertyProvider {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CREDENTIALS = "ops:second-marathon-pass";
  private static final String APP =
      """
      {"id": "%s", "instances": 1, "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server",
       "network": "BRIDGE", "portMappings": [{"containerPort": 80, "hostPort": 0, "servicePort": 0}]}}}
      """;

  @Inject GrpcEmbeddedServer server;
  private PolicyServiceProcess policySvc;
  private Simulator first;
  private Simulator second;
  private ManagedChannel discoveryChannel;
  private ManagedChannel policyChannel;

  @Override
  public Map<String, String> getProperties() {
    try {
      policySvc = PolicyServiceProcess.start();
      first = Simulator.start(SimulatorConfig.forTests(true, Files.createTempDirectory("first")));
      second =
          Simulator.start(
              SimulatorConfig.forTests(true, Files.createTempDirectory("second"))
                  .withCredentials(CREDENTIALS));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Map.of(
        "gatehouse.discovery.marathons.default.url", first.marathonUrl(),
        "gatehouse.discovery.mesos.url", first.mesosUrl(),
        "gatehouse.discovery.mesos.poll-interval", "200ms",
        "gatehouse.discovery.policy.target", policySvc.target(),
        "gatehouse.discovery.policy.token", PolicyServiceProcess.DISCOVERY);
  }

  @BeforeAll
  void connect() {
    discoveryChannel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    policyChannel =
        NettyChannelBuilder.forAddress("127.0.0.1", policySvc.port()).usePlaintext().build();
  }

  @AfterAll
  void stop() {
    discoveryChannel.shutdownNow();
    policyChannel.shutdownNow();
    first.close();
    second.close();
    policySvc.close();
  }

  @Test
  void theMarathonUrlAndCredentialsChangeWithoutARestartAndNoAppIsLost() {
    new SimClient(first.marathonUrl()).post("/v2/apps", APP.formatted("/shared"));
    SimClient guarded = new SimClient(second.marathonUrl(), CREDENTIALS);
    guarded.post("/v2/apps", APP.formatted("/shared"));
    guarded.post("/v2/apps", APP.formatted("/second-only"));
    await().atMost(WAIT).until(() -> appIds().contains("/shared"));

    // no cloud settings at the first start: the startup configuration is written there
    await().atMost(WAIT).until(() -> status().getCloudRevision() > 0);
    Cloud seeded = policy().getCloud(GetCloudRequest.newBuilder().setName("default").build());
    assertThat(seeded.getMarathonUrlsList()).containsExactly(first.marathonUrl());
    assertThat(seeded.getMesosUrl()).isEqualTo(first.mesosUrl());
    assertThat(seeded.getCredentialsSet()).isFalse();

    // while discovery-svc moves to the second Marathon (the first of its two masters down), /shared
    // is in every answer
    String deadMaster = "http://127.0.0.1:" + ServiceJar.freePort();
    AtomicBoolean lost = new AtomicBoolean();
    Cloud created =
        policy()
            .updateCloud(
                UpdateCloudRequest.newBuilder()
                    .setCloud(
                        cloud(deadMaster, second.mesosUrl())
                            .addMarathonUrls(second.marathonUrl())
                            .setMeta(meta().setRevision(seeded.getMeta().getRevision()))
                            .setMarathonCredentials(CREDENTIALS))
                    .build());
    await()
        .atMost(WAIT)
        .until(
            () -> {
              List<String> ids = appIds();
              lost.compareAndSet(false, !ids.contains("/shared"));
              return ids.contains("/second-only");
            });
    assertThat(lost).as("/shared missing from an answer during the move").isFalse();
    GetSyncStatusResponse moved = status();
    assertThat(moved.getCloudRevision()).isEqualTo(created.getMeta().getRevision());
    assertThat(moved.getMarathons(0).getUrl()).isEqualTo(second.marathonUrl());
    assertThat(moved.getMesos().getUrl()).isEqualTo(second.mesosUrl());
    assertThat(moved.getCloudError()).isEmpty();
    await()
        .atMost(WAIT)
        .until(
            () ->
                cloudStatus().getState() == CloudStatus.State.STATE_SYNCED
                    && cloudStatus().getAppliedRevision() == created.getMeta().getRevision());

    // a wrong URL: reported, and the apps of the last good sync are still served
    String nowhere = "http://127.0.0.1:" + ServiceJar.freePort();
    Cloud wrong =
        policy()
            .updateCloud(
                UpdateCloudRequest.newBuilder()
                    .setCloud(
                        cloud(nowhere, second.mesosUrl())
                            .setMeta(meta().setRevision(created.getMeta().getRevision())))
                    .build());
    await()
        .atMost(WAIT)
        .until(
            () ->
                status().getMarathons(0).getUrl().equals(nowhere)
                    && status().getMarathons(0).getLastError().contains("unreachable"));
    assertThat(appIds()).contains("/shared", "/second-only");
    // and on the object's status, for the revision that holds the wrong URL
    await()
        .atMost(WAIT)
        .until(
            () ->
                cloudStatus().getState() == CloudStatus.State.STATE_FAILING
                    && cloudStatus().getAppliedRevision() == wrong.getMeta().getRevision());
    assertThat(cloudStatus().getMessage()).startsWith("Marathon: ").contains("unreachable");

    // service ports the cloud does not proxy: a label error on each app, which keeps what it had
    Cloud narrow =
        policy()
            .updateCloud(
                UpdateCloudRequest.newBuilder()
                    .setCloud(
                        cloud(second.marathonUrl(), second.mesosUrl())
                            .setServicePortMin(1)
                            .setServicePortMax(1000)
                            .setMeta(meta().setRevision(wrong.getMeta().getRevision())))
                    .build());
    await()
        .atMost(WAIT)
        .until(
            () ->
                labelErrorCodes("/shared").contains("SERVICE_PORT_OUTSIDE_RANGE")
                    && writerFailing().contains("/shared") // translated again by the writer
                    && cloudStatus().getAppliedRevision() == narrow.getMeta().getRevision()
                    && cloudStatus().getState() == CloudStatus.State.STATE_SYNCED);

    // no Cloud: the startup configuration again
    policy().deleteCloud(DeleteCloudRequest.newBuilder().setName("default").build());
    await()
        .atMost(WAIT)
        .until(() -> status().getCloudRevision() == 0 && !appIds().contains("/second-only"));
    assertThat(status().getMarathons(0).getUrl()).isEqualTo(first.marathonUrl());
    assertThat(appIds()).contains("/shared");
    assertThat(labelErrorCodes("/shared")).doesNotContain("SERVICE_PORT_OUTSIDE_RANGE");
    await().atMost(WAIT).until(() -> !writerFailing().contains("/shared"));
  }

  /** The apps whose objects the policy writer could not write. */
  private List<String> writerFailing() {
    return status().getMarathons(0).getAppErrorsList().stream()
        .map(e -> e.getApp().getAppId())
        .toList();
  }

  private List<String> labelErrorCodes(String appId) {
    return discovery().listApps(ListAppsRequest.getDefaultInstance()).getAppsList().stream()
        .filter(app -> app.getId().equals(appId))
        .flatMap(app -> app.getLabelErrorsList().stream())
        .map(e -> e.getCode())
        .toList();
  }

  private List<String> appIds() {
    return discovery().listApps(ListAppsRequest.getDefaultInstance()).getAppsList().stream()
        .map(App::getId)
        .toList();
  }

  private CloudStatus cloudStatus() {
    return policy().getCloud(GetCloudRequest.newBuilder().setName("default").build()).getStatus();
  }

  private GetSyncStatusResponse status() {
    return discovery().getSyncStatus(GetSyncStatusRequest.getDefaultInstance());
  }

  private DiscoveryServiceGrpc.DiscoveryServiceBlockingStub discovery() {
    return DiscoveryServiceGrpc.newBlockingStub(as(discoveryChannel, "test-operator-token-0001"));
  }

  private PolicyServiceGrpc.PolicyServiceBlockingStub policy() {
    return PolicyServiceGrpc.newBlockingStub(as(policyChannel, PolicyServiceProcess.OPERATOR));
  }

  private static Cloud.Builder cloud(String marathonUrl, String mesosUrl) {
    return Cloud.newBuilder().setMeta(meta()).addMarathonUrls(marathonUrl).setMesosUrl(mesosUrl);
  }

  private static ObjectMeta.Builder meta() {
    return ObjectMeta.newBuilder().setName("default");
  }

  private static Channel as(ManagedChannel channel, String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }
}
