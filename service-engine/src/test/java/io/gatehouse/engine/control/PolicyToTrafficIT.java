package io.gatehouse.engine.control;

import static org.awaitility.Awaitility.await;

import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.CreateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Server;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.StaticServers;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.engine.testing.TestBackend;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.SeManagerProcess;
import io.gatehouse.testsupport.ServiceJar;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The configuration path end to end, every service a real process: an operator creates a pool and
 * an east-west virtual service in policy-svc; se-manager-svc compiles and pushes them; the service
 * engine serves traffic on the service port.
 */
class PolicyToTrafficIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String OPERATOR = PolicyServiceProcess.OPERATOR;
  private static final String ENGINE = SeManagerProcess.ENGINE;

  @Test
  void aVirtualServiceCreatedInPolicyServesTrafficOnTheEngine() throws Exception {
    int servicePort = ServiceJar.freePort();
    try (TestBackend backend = TestBackend.start("app");
        PolicyServiceProcess policy = PolicyServiceProcess.start();
        SeManagerProcess manager =
            SeManagerProcess.start(
                policy.target(),
                null,
                List.of("--gatehouse.semanager.policy.east-west-address=127.0.0.1"));
        ServiceJar engine =
            ServiceJar.start(
                "service-engine",
                List.of(
                    "--control=" + manager.target(),
                    "--control-plaintext",
                    "--se-id=se-e2e",
                    "--admin=127.0.0.1:" + ServiceJar.freePort()),
                Map.of("GATEHOUSE_SE_TOKEN", ENGINE))) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", policy.port()).usePlaintext().build();
      try {
        Metadata headers = new Metadata();
        headers.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
            "Bearer " + OPERATOR);
        var operator =
            PolicyServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(
                    channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
        operator
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .createPool(
                CreatePoolRequest.newBuilder()
                    .setPool(
                        Pool.newBuilder()
                            .setMeta(ObjectMeta.newBuilder().setName("orders"))
                            .setStaticServers(
                                StaticServers.newBuilder()
                                    .addServers(
                                        Server.newBuilder()
                                            .setIpAddress("127.0.0.1")
                                            .setPort(backend.port()))))
                    .build());
        operator
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .createVirtualService(
                CreateVirtualServiceRequest.newBuilder()
                    .setVirtualService(
                        VirtualService.newBuilder()
                            .setMeta(ObjectMeta.newBuilder().setName("orders"))
                            .setEastWest(true)
                            .addServices(
                                Service.newBuilder()
                                    .setPort(servicePort)
                                    .setProtocol(Protocol.PROTOCOL_HTTP))
                            .setPoolRef("orders"))
                    .build());

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await()
            .atMost(WAIT)
            .until(
                () -> {
                  try {
                    return client
                        .send(
                            HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + servicePort + "/hello"))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body()
                        .equals("hello from app");
                  } catch (java.io.IOException notYet) {
                    return false;
                  }
                });
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
