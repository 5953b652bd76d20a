package io.gatehouse.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.CertificateConfig;
import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.InvalidConfigException;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.MemberProtocol;
import io.gatehouse.engine.config.MemberTlsConfig;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TlsMember;
import io.gatehouse.testsupport.TestCertificates;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.handler.ssl.ClientAuth;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TLS from the engine to pool members: each member's certificate is verified against the pool's CA
 * and the name the member should bear (sent by SNI), the engine's client certificate is shown to
 * members that ask, and HTTP/2 is agreed by ALPN. A member that fails any of it never gets a
 * request.
 */
@ExtendWith(LeakCheck.class)
class MemberTlsIT {
  private static final TestCertificates.Authority MEMBERS_CA =
      TestCertificates.authority("members-ca");
  private static final TestCertificates.Authority ENGINES_CA =
      TestCertificates.authority("engines-ca");
  private static final TestCertificates.Pem ENGINE_CLIENT = ENGINES_CA.issue("gatehouse-engine");
  private static final String CA = MEMBERS_CA.pem().certificate();

  private final ServiceEngine engine = RunningEngine.start();
  private final int port = RunningEngine.freePort();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @AfterEach
  void stop() {
    engine.close();
  }

  private void serve(PoolConfig pool) {
    engine.apply(
        EngineConfig.of(
                List.of(
                    new VirtualServiceConfig(
                        "orders",
                        List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)),
                        "orders")),
                List.of(pool))
            .withCertificates(
                List.of(
                    new CertificateConfig(
                        "engine-client",
                        ENGINE_CLIENT.certificate(),
                        ENGINE_CLIENT.privateKey()))));
  }

  private static PoolConfig pool(
      EndpointConfig member, MemberProtocol protocol, MemberTlsConfig tls) {
    return new PoolConfig(
        "orders",
        LbAlgorithm.ROUND_ROBIN,
        List.of(member),
        Duration.ofSeconds(2),
        List.of(),
        0,
        Duration.ofSeconds(10),
        null,
        PoolConfig.DEFAULT_DRAINING_TIMEOUT,
        0,
        null,
        protocol,
        tls);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aMemberIsVerifiedByThePoolsCaAndNameAndSeesTheEnginesClientCertificate() throws Exception {
    try (TlsMember member = new TlsMember(MEMBERS_CA.issue("orders.internal"), ENGINES_CA)) {
      serve(
          pool(
              new EndpointConfig("127.0.0.1", member.port(), 1),
              MemberProtocol.HTTP1,
              new MemberTlsConfig(CA, "orders.internal", "engine-client")));

      for (int i = 0; i < 3; i++) {
        HttpResponse<String> response = get("/cart/" + i);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("tls member /cart/" + i);
      }
      assertThat(member.serverNames()).isNotEmpty().containsOnly("orders.internal");
      assertThat(member.clientSubjects())
          .hasSize(3)
          .allSatisfy(subject -> assertThat(subject).contains("CN=gatehouse-engine"));
      assertThat(member.serverNames()).hasSizeLessThan(3); // kept connections are reused
    }
  }

  @Test
  void aMemberWhoseCertificateChainsElsewhereOrNamesAnotherHostNeverGetsARequest()
      throws Exception {
    TestCertificates.Authority stranger = TestCertificates.authority("stranger-ca");
    try (TlsMember impostor = new TlsMember(stranger.issue("orders.internal"), null);
        TlsMember other = new TlsMember(MEMBERS_CA.issue("billing.internal"), null)) {
      serve(
          pool(
              new EndpointConfig("127.0.0.1", impostor.port(), 1),
              MemberProtocol.HTTP1,
              new MemberTlsConfig(CA, "orders.internal", null)));
      assertThat(get("/").statusCode()).isEqualTo(502);
      assertThat(impostor.requests()).isZero();

      serve(
          pool(
              new EndpointConfig("127.0.0.1", other.port(), 1),
              MemberProtocol.HTTP1,
              new MemberTlsConfig(CA, "orders.internal", null)));
      assertThat(get("/").statusCode()).isEqualTo(502);
      assertThat(other.requests()).isZero();
    }
  }

  @Test
  void withoutAServerNameTheMembersHostNameOrElseItsAddressIsChecked() throws Exception {
    try (TlsMember named = new TlsMember(MEMBERS_CA.issue("web-1.internal"), null);
        TlsMember addressed = new TlsMember(MEMBERS_CA.issueForAddress("127.0.0.1"), null)) {
      serve(
          pool(
              new EndpointConfig("127.0.0.1", named.port(), 1, "", "web-1.internal"),
              MemberProtocol.HTTP1,
              new MemberTlsConfig(CA, null, null)));
      assertThat(get("/").statusCode()).isEqualTo(200);
      assertThat(named.serverNames()).containsOnly("web-1.internal");

      // a host name that is no DNS name (as a hostile Marathon might report) is not trusted
      serve(
          pool(
              new EndpointConfig("127.0.0.1", addressed.port(), 1, "", "web-1\r\nx: y"),
              MemberProtocol.HTTP1,
              new MemberTlsConfig(CA, null, null)));
      assertThat(get("/").statusCode()).isEqualTo(200);
      assertThat(addressed.serverNames()).isEmpty(); // no SNI for an address
    }
  }

  @Test
  void grpcOverTlsAgreesOnHttp2AndAMemberThatCannotSpeakItIsNotUsed() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    TestCertificates.Pem certificate = MEMBERS_CA.issue("grpc.internal");
    Server member =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(
                GrpcSslContexts.forServer(
                        stream(certificate.certificate()), stream(certificate.privateKey()))
                    .trustManager(stream(ENGINES_CA.pem().certificate()))
                    .clientAuth(ClientAuth.REQUIRE)
                    .build())
            .addService(health.getHealthService())
            .build()
            .start();
    health.setStatus("shop", HealthCheckResponse.ServingStatus.SERVING);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try (TlsMember http1Only = new TlsMember(MEMBERS_CA.issue("grpc.internal"), null)) {
      serve(
          pool(
              new EndpointConfig("127.0.0.1", member.getPort(), 1),
              MemberProtocol.H2,
              new MemberTlsConfig(CA, "grpc.internal", "engine-client")));
      for (int i = 0; i < 5; i++) {
        assertThat(
                HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("shop").build())
                    .getStatus())
            .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      }

      serve(
          pool(
              new EndpointConfig("127.0.0.1", http1Only.port(), 1),
              MemberProtocol.H2,
              new MemberTlsConfig(CA, "grpc.internal", null)));
      StatusRuntimeException refused =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  HealthGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .check(HealthCheckRequest.newBuilder().setService("shop").build()));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(http1Only.requests()).isZero();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      member.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void unusableTlsSettingsAreRefusedNamingThePoolAndTheEngineKeepsServing() throws Exception {
    try (TlsMember member = new TlsMember(MEMBERS_CA.issue("orders.internal"), null)) {
      PoolConfig good =
          pool(
              new EndpointConfig("127.0.0.1", member.port(), 1),
              MemberProtocol.HTTP1,
              new MemberTlsConfig(CA, "orders.internal", null));
      serve(good);
      assertThat(get("/").statusCode()).isEqualTo(200);

      InvalidConfigException badCa =
          catchThrowableOfType(
              InvalidConfigException.class,
              () ->
                  serve(
                      pool(
                          good.endpoints().get(0),
                          MemberProtocol.HTTP1,
                          new MemberTlsConfig("not a PEM", "orders.internal", null))));
      assertThat(badCa.getMessage()).contains("pools.orders.member_tls");
      InvalidConfigException h2InClear =
          catchThrowableOfType(
              InvalidConfigException.class,
              () -> serve(pool(good.endpoints().get(0), MemberProtocol.H2, null)));
      assertThat(h2InClear.getMessage()).contains("pools.orders.member_protocol");
      InvalidConfigException noClient =
          catchThrowableOfType(
              InvalidConfigException.class,
              () ->
                  engine.apply(
                      EngineConfig.of(
                          List.of(
                              new VirtualServiceConfig(
                                  "orders",
                                  List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)),
                                  "orders")),
                          List.of(
                              pool(
                                  good.endpoints().get(0),
                                  MemberProtocol.HTTP1,
                                  new MemberTlsConfig(CA, "orders.internal", "missing"))))));
      assertThat(noClient.getMessage()).contains("pools.orders.member_tls.client_certificate");

      assertThat(get("/").statusCode()).isEqualTo(200); // what was served still is
    }
  }

  private static ByteArrayInputStream stream(String pem) {
    return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
