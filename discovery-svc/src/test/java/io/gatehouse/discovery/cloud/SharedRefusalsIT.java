package io.gatehouse.discovery.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.cluster.v1.GetLeadersRequest;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.GetAppRequest;
import io.gatehouse.api.discovery.v1.GetSyncStatusRequest;
import io.gatehouse.api.discovery.v1.LabelError;
import io.gatehouse.discovery.SimClient;
import io.gatehouse.sim.Simulator;
import io.gatehouse.sim.SimulatorConfig;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.ServiceJar;
import io.gatehouse.testsupport.TestPostgres;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two discovery-svc replicas, processes from the jar, electing their policy writer: what policy-svc
 * refuses of an app (a VIP another app holds) is learnt by the writer alone, and both replicas
 * report it on the app and in the sync status; when the writer dies, the other one writes and still
 * reports it.
 */
class SharedRefusalsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String OPERATOR = PolicyServiceProcess.OPERATOR;
  private static final String VIP =
      "{\\\"virtualservice\\\": {\\\"ip_address\\\": {\\\"addr\\\": \\\"10.9.9.9\\\"},"
          + " \\\"services\\\": [{\\\"port\\\": 80}]}}";

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void everyReplicaReportsWhatPolicyRefusedOfAnAppAndTheNextWriterToo() throws Exception {
    PolicyServiceProcess policy = PolicyServiceProcess.start();
    closeables.add(policy);
    Simulator marathon =
        Simulator.start(SimulatorConfig.forTests(true, Files.createTempDirectory("refusals-it")));
    closeables.add(marathon);
    String marathonUrl = marathon.marathonUrl();
    TestPostgres.Database leaders = TestPostgres.freshDatabase();
    List<Replica> replicas =
        List.of(replica(policy, marathonUrl, leaders), replica(policy, marathonUrl, leaders));

    SimClient sim = new SimClient(marathonUrl);
    sim.post("/v2/apps", app("/first", 10201));
    await().atMost(WAIT).until(() -> replicas.get(0).labelErrors("/first") != null);
    sim.post("/v2/apps", app("/second", 10202));

    for (Replica replica : replicas) {
      await()
          .atMost(WAIT)
          .until(() -> codes(replica.labelErrors("/second")).contains("VIP_CONFLICT"));
      assertThat(replica.labelErrors("/first")).isEmpty();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  replica
                      .stub()
                      .getSyncStatus(GetSyncStatusRequest.getDefaultInstance())
                      .getMarathons(0)
                      .getAppErrorsList()
                      .stream()
                      .anyMatch(a -> a.getApp().getAppId().equals("/second")));
    }

    // the writer dies: the other replica writes, finds the refusal itself, and says so
    Replica writer =
        replicas.stream()
            .filter(
                r ->
                    r.stub()
                        .getLeaders(GetLeadersRequest.getDefaultInstance())
                        .getLeaderships(0)
                        .getThisReplica())
            .findFirst()
            .orElseThrow();
    Replica next = replicas.get(replicas.indexOf(writer) == 0 ? 1 : 0);
    writer.process().close();
    await()
        .atMost(WAIT)
        .until(
            () ->
                next.stub()
                    .getLeaders(GetLeadersRequest.getDefaultInstance())
                    .getLeaderships(0)
                    .getThisReplica());
    await().atMost(WAIT).until(() -> codes(next.labelErrors("/second")).contains("VIP_CONFLICT"));
  }

  private record Replica(
      ServiceJar process,
      ManagedChannel channel,
      DiscoveryServiceGrpc.DiscoveryServiceBlockingStub stub) {
    /** The app's label errors; null while this replica does not list it. */
    List<LabelError> labelErrors(String appId) {
      try {
        return stub.getApp(GetAppRequest.newBuilder().setAppId(appId).build()).getLabelErrorsList();
      } catch (io.grpc.StatusRuntimeException e) {
        return null;
      }
    }
  }

  private Replica replica(
      PolicyServiceProcess policy, String marathonUrl, TestPostgres.Database db) {
    int grpc = ServiceJar.freePort();
    ServiceJar process =
        ServiceJar.start(
            "discovery-svc",
            List.of(
                "--grpc.server.port=" + grpc,
                "--micronaut.server.port=" + ServiceJar.freePort(),
                "--gatehouse.discovery.marathons.default.url=" + marathonUrl,
                "--gatehouse.discovery.mesos.url=http://127.0.0.1:1",
                "--gatehouse.discovery.policy.target=" + policy.target(),
                "--gatehouse.discovery.policy.coalesce=100ms",
                "--gatehouse.discovery.leader.jdbc-url=" + db.jdbcUrl(),
                "--gatehouse.discovery.leader.username=" + db.user(),
                "--gatehouse.discovery.leader.interval=500ms"),
            ServiceJar.plaintext(
                Map.of(
                    "GATEHOUSE_DISCOVERY_AUTH_OPERATOR_TOKENS",
                    OPERATOR,
                    "GATEHOUSE_DISCOVERY_POLICY_TOKEN",
                    PolicyServiceProcess.DISCOVERY,
                    "GATEHOUSE_DISCOVERY_LEADER_PASSWORD",
                    db.password()))); // both start at once; the calls below wait for them
    closeables.add(process);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", grpc).usePlaintext().build();
    closeables.add(channel::shutdownNow);
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + OPERATOR);
    return new Replica(
        process,
        channel,
        DiscoveryServiceGrpc.newBlockingStub(
            ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(headers))));
  }

  private static String app(String id, int port) {
    return "{\"id\": \""
        + id
        + "\", \"instances\": 1, \"cmd\": \"serve\", \"portDefinitions\": [{\"port\": "
        + port
        + "}], \"labels\": {\"FE-Proxy\": \"yes\", \"avi_proxy\": \""
        + VIP
        + "\"}}";
  }

  private static List<String> codes(List<LabelError> errors) {
    return errors == null ? List.of() : errors.stream().map(LabelError::getCode).toList();
  }
}
