package io.gatehouse.semanager.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.semanager.v1.Ack;
import io.gatehouse.api.semanager.v1.ConnectRequest;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.EngineVersion;
import io.gatehouse.api.semanager.v1.GetConvergenceRequest;
import io.gatehouse.api.semanager.v1.GetConvergenceResponse;
import io.gatehouse.api.semanager.v1.GetServiceEngineRequest;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.PoolResource;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ResourceUpdate;
import io.gatehouse.api.semanager.v1.ResourceVersion;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.gatehouse.api.semanager.v1.UnansweredReplica;
import io.gatehouse.api.semanager.v1.VirtualServiceResource;
import io.gatehouse.common.grpc.BearerToken;
import io.gatehouse.common.leader.Replicas;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.semanager.push.ResourceSet;
import io.gatehouse.testsupport.EngineAcks;
import io.gatehouse.testsupport.ServiceJar;
import io.gatehouse.testsupport.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of se-manager-svc in this JVM, one engine connected to each: GetConvergence asked of
 * either covers both engines (it asks the other replica on the operator's behalf), or one with
 * {@code this_replica_only}; a replica that does not answer is named, and the answer covers the
 * engines of those that did; an engine's resources are found on its replica; an engine that moves
 * to the other replica is sent only what it lacks.
 */
class ClusterConvergenceIT {
  private static final String OPERATOR = "test-operator-token-0001";
  private static final String ENGINE = "test-engine-token-0001";

  private final List<GrpcEmbeddedServer> replicas = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    replicas.forEach(r -> r.getApplicationContext().close());
  }

  @Test
  void anyReplicaAnswersForTheEnginesOfEveryReplica() {
    int portA = ServiceJar.freePort();
    int portB = ServiceJar.freePort();
    String peers = "127.0.0.1:" + portA + ",localhost:" + portB; // a name resolves to its records
    var database = TestPostgres.freshDatabase();
    GrpcEmbeddedServer a = start(portA, peers, database);
    GrpcEmbeddedServer b = start(portB, peers, database);
    ResourceSet desired = desired();
    replica(a).publish(desired);
    replica(b).publish(desired);

    TestEngine onA = new TestEngine("se-on-a");
    TestEngine onB = new TestEngine("se-on-b");
    onA.connect(portA);
    onB.connect(portB);
    await()
        .until(
            () ->
                converged(convergence(portA, false), 2) && converged(convergence(portB, false), 2));

    GetConvergenceResponse all = convergence(portA, false);
    assertThat(all.getVirtualServices(0).getEnginesList())
        .extracting(EngineVersion::getSeId)
        .containsExactlyInAnyOrder("se-on-a", "se-on-b");
    assertThat(all.getReplicasList())
        .containsExactlyInAnyOrder(Replicas.name(portA), Replicas.name(portB));
    assertThat(all.getUnansweredReplicasList()).isEmpty();
    assertThat(convergence(portA, true).getVirtualServices(0).getEnginesList())
        .extracting(EngineVersion::getSeId)
        .containsExactly("se-on-a");

    // B's engine, asked of A: the inventory's record with what B sent it
    var adminOfA =
        ServiceEngineAdminGrpc.newBlockingStub(BearerToken.attach(channel(portA), OPERATOR));
    assertThat(
            adminOfA
                .getServiceEngine(GetServiceEngineRequest.newBuilder().setId("se-on-b").build())
                .getResourcesList())
        .extracting(r -> r.getDesired().getName())
        .containsExactlyInAnyOrder("web", "web"); // the pool and the service
    assertThat(
            adminOfA
                .getServiceEngine(
                    GetServiceEngineRequest.newBuilder()
                        .setId("se-on-b")
                        .setThisReplicaOnly(true)
                        .build())
                .getResourcesList())
        .isEmpty();

    // a change that B's engine does not acknowledge: converged on A alone, not across the two
    onB.answering.set(false);
    ResourceSet next = desired(); // another virtual service body: a new version
    ResourceSet changed =
        next.with(
            Map.of(
                ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE, List.of(virtualService("web", 10081))));
    replica(a).publish(changed);
    replica(b).publish(changed);
    await().until(() -> converged(convergence(portA, true), 1));
    assertThat(converged(convergence(portA, false), 2)).isFalse();
    assertThat(convergence(portB, false).getVirtualServices(0).getConverged()).isFalse();

    // B goes: A answers for its own engines and names B's address
    b.getApplicationContext().close();
    replicas.remove(b);
    GetConvergenceResponse withoutB = convergence(portA, false);
    assertThat(withoutB.getReplicasList()).containsExactly(Replicas.name(portA));
    assertThat(withoutB.getUnansweredReplicasList())
        .extracting(UnansweredReplica::getAddress)
        .anyMatch(address -> address.endsWith(":" + portB));
    assertThat(withoutB.getUnansweredReplicas(0).getError().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE.value());
    assertThat(withoutB.getVirtualServices(0).getEnginesList())
        .extracting(EngineVersion::getSeId)
        .containsExactly("se-on-a");

    // B's engine moves to A, saying what it serves: A sends it only what differs (the service it
    // did not acknowledge on B), not the pool it has, and it converges there
    onB.answering.set(true);
    onB.connect(portA);
    await().until(() -> converged(convergence(portA, false), 2));
    assertThat(onB.received)
        .singleElement()
        .satisfies(
            update -> {
              assertThat(update.getType()).isEqualTo(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE);
              assertThat(update.getFullState()).isFalse();
              assertThat(update.getResourcesList())
                  .extracting(Resource::getName)
                  .containsExactly("web");
            });
    assertThat(convergence(portA, false).getVirtualServices(0).getEnginesList())
        .extracting(EngineVersion::getSeId)
        .containsExactlyInAnyOrder("se-on-a", "se-on-b");
  }

  private GrpcEmbeddedServer start(int port, String peers, TestPostgres.Database database) {
    Map<String, Object> properties = new HashMap<>(database.micronautProperties());
    properties.put("grpc.server.port", port);
    properties.put("gatehouse.semanager.peers", peers);
    GrpcEmbeddedServer server =
        ApplicationContext.run(GrpcEmbeddedServer.class, properties, "test");
    replicas.add(server);
    return server;
  }

  private static ConfigPush replica(GrpcEmbeddedServer server) {
    return server.getApplicationContext().getBean(ConfigPush.class);
  }

  private GetConvergenceResponse convergence(int port, boolean thisReplicaOnly) {
    return ServiceEngineAdminGrpc.newBlockingStub(BearerToken.attach(channel(port), OPERATOR))
        .getConvergence(
            GetConvergenceRequest.newBuilder().setThisReplicaOnly(thisReplicaOnly).build());
  }

  /** Whether the one virtual service is converged on {@code engines} engines. */
  private static boolean converged(GetConvergenceResponse answer, int engines) {
    return answer.getVirtualServicesCount() == 1
        && answer.getVirtualServices(0).getConverged()
        && answer.getVirtualServices(0).getEnginesCount() == engines;
  }

  /**
   * An engine that acknowledges every update while {@code answering}, and says in its hello what it
   * serves.
   */
  private final class TestEngine {
    final String seId;
    final AtomicBoolean answering = new AtomicBoolean(true);
    final Map<String, ResourceVersion> serving = new java.util.concurrent.ConcurrentHashMap<>();
    final List<ResourceUpdate> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    private StreamObserver<ConnectRequest> requests;

    TestEngine(String seId) {
      this.seId = seId;
    }

    synchronized void connect(int port) {
      received.clear();
      requests =
          ServiceEngineControlGrpc.newStub(BearerToken.attach(channel(port), ENGINE))
              .connect(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ConnectResponse response) {
                      if (response.hasUpdate() && answering.get()) {
                        applied(response.getUpdate());
                      }
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(
          ConnectRequest.newBuilder()
              .setHello(
                  Hello.newBuilder()
                      .setSeId(seId)
                      .setHostname(seId)
                      .addAllResources(serving.values()))
              .build());
    }

    private synchronized void applied(ResourceUpdate update) {
      received.add(update);
      Ack ack = EngineAcks.applying(update);
      update.getRemovedList().forEach(name -> serving.remove(update.getType() + "/" + name));
      ack.getAppliedList().forEach(v -> serving.put(v.getType() + "/" + v.getName(), v));
      requests.onNext(ConnectRequest.newBuilder().setAck(ack).build());
    }
  }

  private ManagedChannel channel(int port) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private static ResourceSet desired() {
    return ResourceSet.of(
        Map.of(
            ResourceType.RESOURCE_TYPE_POOL,
            List.of(
                Resource.newBuilder()
                    .setName("web")
                    .setPool(PoolResource.getDefaultInstance())
                    .build()),
            ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE,
            List.of(virtualService("web", 10080))));
  }

  private static Resource virtualService(String name, int port) {
    return Resource.newBuilder()
        .setName(name)
        .setVirtualService(
            VirtualServiceResource.newBuilder()
                .setPool(name)
                .addListeners(
                    io.gatehouse.api.semanager.v1.Listener.newBuilder()
                        .setAddress("127.0.0.1")
                        .setPort(port)))
        .build();
  }
}
