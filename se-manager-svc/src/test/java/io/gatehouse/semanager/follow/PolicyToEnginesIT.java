package io.gatehouse.semanager.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.CreateServiceEngineGroupRequest;
import io.gatehouse.api.policy.v1.CreateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.DeleteVirtualServiceRequest;
import io.gatehouse.api.policy.v1.DeploymentMethod;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Server;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.api.policy.v1.ServiceEngineImage;
import io.gatehouse.api.policy.v1.StaticServers;
import io.gatehouse.api.policy.v1.UpdateServiceEngineGroupRequest;
import io.gatehouse.api.policy.v1.Vip;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.api.semanager.v1.ConnectRequest;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ResourceUpdate;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.gatehouse.semanager.internal.Inputs;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.TestPostgres;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * policy-svc as a real process, se-manager-svc in the test JVM following it, and an engine's
 * Connect stream: what operators create in policy reaches the engine, and what they delete leaves.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyToEnginesIT implements TestPropertyProvider {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String OPERATOR = PolicyServiceProcess.OPERATOR;
  private static final String SE_MANAGER = PolicyServiceProcess.SE_MANAGER;

  @Inject GrpcEmbeddedServer server;
  @Inject Inputs inputs;
  private PolicyServiceProcess policySvc;

  @Override
  public Map<String, String> getProperties() {
    policySvc = PolicyServiceProcess.start();
    Map<String, String> properties =
        new java.util.HashMap<>(TestPostgres.freshDatabase().micronautProperties());
    properties.put("gatehouse.semanager.policy.target", policySvc.target());
    properties.put("gatehouse.semanager.policy.token", SE_MANAGER);
    return properties;
  }

  @AfterAll
  void stop() {
    policySvc.close();
  }

  private static Channel as(ManagedChannel channel, String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void aGroupsRegistryCredentialsAreReadFromPolicySecretsForItsDeployment() {
    ManagedChannel policyChannel =
        NettyChannelBuilder.forAddress("127.0.0.1", policySvc.port()).usePlaintext().build();
    try {
      PolicyServiceGrpc.PolicyServiceBlockingStub operator =
          PolicyServiceGrpc.newBlockingStub(as(policyChannel, OPERATOR));
      ServiceEngineGroup created =
          operator.createServiceEngineGroup(
              CreateServiceEngineGroupRequest.newBuilder()
                  .setServiceEngineGroup(
                      ServiceEngineGroup.newBuilder()
                          .setMeta(ObjectMeta.newBuilder().setName("pulled"))
                          .setDeploymentMethod(DeploymentMethod.DEPLOYMENT_METHOD_MARATHON)
                          .setImage(
                              ServiceEngineImage.newBuilder()
                                  .setDockerImage("registry.example:5000/gatehouse/se:1")
                                  .setRegistryCredentials("engines:pull-secret")))
                  .build());
      assertThat(created.getImage().getRegistryCredentials()).isEmpty();
      await().atMost(WAIT).until(() -> registryCredentials("pulled").equals("engines:pull-secret"));

      operator.updateServiceEngineGroup(
          UpdateServiceEngineGroupRequest.newBuilder()
              .setServiceEngineGroup(
                  created.toBuilder()
                      .setImage(created.getImage().toBuilder().setClearRegistryCredentials(true)))
              .build());
      await().atMost(WAIT).until(() -> registryCredentials("pulled").isEmpty());
      assertThat(inputs.seGroups()).anyMatch(g -> g.getMeta().getName().equals("pulled"));
    } finally {
      policyChannel.shutdownNow();
    }
  }

  /** The registry credentials of the group se-manager-svc follows; "?" while it has none. */
  private String registryCredentials(String group) {
    return inputs.seGroups().stream()
        .filter(g -> g.getMeta().getName().equals(group))
        .map(g -> g.getImage().getRegistryCredentials())
        .findFirst()
        .orElse("?");
  }

  @Test
  void whatOperatorsCreateReachesTheEngineAndWhatTheyDeleteLeaves() {
    ManagedChannel policyChannel =
        NettyChannelBuilder.forAddress("127.0.0.1", policySvc.port()).usePlaintext().build();
    ManagedChannel managerChannel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      List<ResourceUpdate> updates = new CopyOnWriteArrayList<>();
      StreamObserver<ConnectRequest> engine =
          ServiceEngineControlGrpc.newStub(as(managerChannel, "test-engine-token-0001"))
              .connect(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ConnectResponse value) {
                      if (value.hasUpdate()) {
                        updates.add(value.getUpdate());
                      }
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
      engine.onNext(
          ConnectRequest.newBuilder().setHello(Hello.newBuilder().setSeId("se-1")).build());

      var operator = PolicyServiceGrpc.newBlockingStub(as(policyChannel, OPERATOR));
      operator
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createPool(
              CreatePoolRequest.newBuilder()
                  .setPool(
                      Pool.newBuilder()
                          .setMeta(ObjectMeta.newBuilder().setName("mesh-api"))
                          .setStaticServers(
                              StaticServers.newBuilder()
                                  .addServers(
                                      Server.newBuilder().setIpAddress("10.0.0.5").setPort(8080))))
                  .build());
      operator
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createVirtualService(
              CreateVirtualServiceRequest.newBuilder()
                  .setVirtualService(
                      VirtualService.newBuilder()
                          .setMeta(ObjectMeta.newBuilder().setName("mesh-api"))
                          .setEastWest(true)
                          .addServices(
                              Service.newBuilder()
                                  .setPort(10080)
                                  .setProtocol(Protocol.PROTOCOL_HTTP))
                          .setPoolRef("mesh-api"))
                  .build());

      await()
          .atMost(WAIT)
          .until(
              () ->
                  updates.stream()
                      .anyMatch(
                          u ->
                              u.getType() == ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE
                                  && u.getResourcesList().stream()
                                      .anyMatch(
                                          r ->
                                              r.getName().equals("mesh-api")
                                                  && r.getVirtualService().getListeners(0).getPort()
                                                      == 10080)));

      operator
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .deleteVirtualService(
              DeleteVirtualServiceRequest.newBuilder().setName("mesh-api").build());
      await()
          .atMost(WAIT)
          .until(
              () ->
                  updates.stream()
                      .anyMatch(
                          u ->
                              u.getType() == ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE
                                  && u.getRemovedList().contains("mesh-api")));
      engine.onCompleted();
    } finally {
      policyChannel.shutdownNow();
      managerChannel.shutdownNow();
    }
  }

  @Test
  void eachGroupsEnginesGetTheirGroupsNorthSouthServicesAndEveryEngineTheEastWestOnes() {
    ManagedChannel policyChannel =
        NettyChannelBuilder.forAddress("127.0.0.1", policySvc.port()).usePlaintext().build();
    ManagedChannel managerChannel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      var operator = PolicyServiceGrpc.newBlockingStub(as(policyChannel, OPERATOR));
      operator
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createServiceEngineGroup(
              CreateServiceEngineGroupRequest.newBuilder()
                  .setServiceEngineGroup(
                      ServiceEngineGroup.newBuilder()
                          .setMeta(ObjectMeta.newBuilder().setName("edge")))
                  .build());
      Map<String, Set<String>> services = new java.util.concurrent.ConcurrentHashMap<>();
      List<StreamObserver<ConnectRequest>> engines = new java.util.ArrayList<>();
      for (String[] engine :
          List.of(
              new String[] {"se-inner-1", ""},
              new String[] {"se-inner-2", "default"},
              new String[] {"se-edge", "edge"})) {
        Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
        services.put(engine[0], held);
        StreamObserver<ConnectRequest> stream =
            ServiceEngineControlGrpc.newStub(as(managerChannel, "test-engine-token-0001"))
                .connect(
                    new StreamObserver<>() {
                      @Override
                      public void onNext(ConnectResponse value) {
                        if (value.hasUpdate()
                            && value.getUpdate().getType()
                                == ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE) {
                          value.getUpdate().getResourcesList().forEach(r -> held.add(r.getName()));
                          held.removeAll(value.getUpdate().getRemovedList());
                        }
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {}
                    });
        stream.onNext(
            ConnectRequest.newBuilder()
                .setHello(Hello.newBuilder().setSeId(engine[0]).setSeGroup(engine[1]))
                .build());
        engines.add(stream);
      }
      operator
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createPool(
              CreatePoolRequest.newBuilder()
                  .setPool(
                      Pool.newBuilder()
                          .setMeta(ObjectMeta.newBuilder().setName("web"))
                          .setStaticServers(
                              StaticServers.newBuilder()
                                  .addServers(
                                      Server.newBuilder().setIpAddress("10.0.0.6").setPort(8080))))
                  .build());
      operator
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createVirtualService(
              CreateVirtualServiceRequest.newBuilder()
                  .setVirtualService(
                      VirtualService.newBuilder()
                          .setMeta(ObjectMeta.newBuilder().setName("public-web"))
                          .setVip(Vip.newBuilder().setIpAddress("10.1.1.1"))
                          .addServices(
                              Service.newBuilder().setPort(80).setProtocol(Protocol.PROTOCOL_HTTP))
                          .setSeGroupRef("edge")
                          .setPoolRef("web"))
                  .build());
      operator
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createVirtualService(
              CreateVirtualServiceRequest.newBuilder()
                  .setVirtualService(
                      VirtualService.newBuilder()
                          .setMeta(ObjectMeta.newBuilder().setName("mesh-web"))
                          .setEastWest(true)
                          .addServices(
                              Service.newBuilder()
                                  .setPort(10081)
                                  .setProtocol(Protocol.PROTOCOL_HTTP))
                          .setPoolRef("web"))
                  .build());

      await()
          .atMost(WAIT)
          .until(
              () ->
                  services.values().stream().allMatch(held -> held.contains("mesh-web"))
                      && services.get("se-edge").contains("public-web"));
      assertThat(services.get("se-edge")).containsExactlyInAnyOrder("mesh-web", "public-web");
      assertThat(services.get("se-inner-1")).containsExactly("mesh-web");
      assertThat(services.get("se-inner-2")).containsExactly("mesh-web");
      engines.forEach(StreamObserver::onCompleted);
    } finally {
      policyChannel.shutdownNow();
      managerChannel.shutdownNow();
    }
  }
}
