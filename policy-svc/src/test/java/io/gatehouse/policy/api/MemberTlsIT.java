package io.gatehouse.policy.api;

import static io.gatehouse.policy.Fixtures.eastWest;
import static io.gatehouse.policy.Fixtures.staticPool;
import static io.gatehouse.policy.PolicyClients.code;
import static io.gatehouse.policy.PolicyClients.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.CreateSslKeyAndCertificateRequest;
import io.gatehouse.api.policy.v1.CreateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.DeleteSslKeyAndCertificateRequest;
import io.gatehouse.api.policy.v1.MemberProtocol;
import io.gatehouse.api.policy.v1.MemberTls;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.SslKeyAndCertificate;
import io.gatehouse.api.policy.v1.UpdatePoolRequest;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.policy.Fixtures;
import io.gatehouse.policy.RunningPolicyService;
import io.gatehouse.testsupport.TestCertificates;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

/**
 * A pool's TLS to its members: its client certificate must exist (and stays while it is used), and
 * HTTP/2 or TLS to members is only for pools behind HTTP services, whichever is written first.
 */
@MicronautTest
class MemberTlsIT extends RunningPolicyService {
  private static final String CA = TestCertificates.authority("members-ca").pem().certificate();

  @Test
  void theClientCertificateMustExistAndCannotBeDeletedWhileAPoolUsesIt() throws Exception {
    Pool pool =
        withTls(staticPool("tls-orders", "10.0.0.40:443"), "tls-engine-client").toBuilder()
            .setMemberProtocol(MemberProtocol.MEMBER_PROTOCOL_H2)
            .build();
    assertThat(violation(() -> createPool(pool)).getField())
        .isEqualTo("pool.member_tls.client_certificate_ref");

    TestCertificates.Pem client = TestCertificates.ec("gatehouse-engine");
    clients
        .operator()
        .createSslKeyAndCertificate(
            CreateSslKeyAndCertificateRequest.newBuilder()
                .setSslKeyAndCertificate(
                    SslKeyAndCertificate.newBuilder()
                        .setMeta(Fixtures.meta("tls-engine-client"))
                        .setCertificatePem(client.certificate())
                        .setPrivateKeyPem(client.privateKey()))
                .build());
    Pool created = createPool(pool);
    assertThat(created.getMemberTls().getCaCertificatesPem()).isEqualTo(CA);

    StatusRuntimeException inUse =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .operator()
                    .deleteSslKeyAndCertificate(
                        DeleteSslKeyAndCertificateRequest.newBuilder()
                            .setName("tls-engine-client")
                            .build()));
    assertThat(code(inUse)).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void aPoolSpeakingTlsOrHttp2ToMembersServesOnlyHttpServicesWhicheverIsWrittenFirst()
      throws Exception {
    VirtualService tcp =
        eastWest("tls-db", "tls-db-pool", 15433).toBuilder()
            .setServices(
                0,
                eastWest("x", "y", 15433).getServices(0).toBuilder()
                    .setProtocol(Protocol.PROTOCOL_TCP))
            .build();
    createPool(staticPool("tls-db-pool", "10.0.0.41:5432"));
    clients
        .operator()
        .createVirtualService(
            CreateVirtualServiceRequest.newBuilder().setVirtualService(tcp).build());

    Pool current =
        clients
            .operator()
            .getPool(
                io.gatehouse.api.policy.v1.GetPoolRequest.newBuilder()
                    .setName("tls-db-pool")
                    .build());
    BadRequest.FieldViolation poolSide =
        violation(
            () ->
                clients
                    .operator()
                    .updatePool(
                        UpdatePoolRequest.newBuilder().setPool(withTls(current, "")).build()));
    assertThat(poolSide.getField()).isEqualTo("pool.member_tls");
    assertThat(poolSide.getDescription()).contains("tls-db").contains("TCP or UDP");

    createPool(
        staticPool("tls-h2-pool", "10.0.0.42:50051").toBuilder()
            .setMemberProtocol(MemberProtocol.MEMBER_PROTOCOL_H2C)
            .build());
    BadRequest.FieldViolation serviceSide =
        violation(
            () ->
                clients
                    .operator()
                    .createVirtualService(
                        CreateVirtualServiceRequest.newBuilder()
                            .setVirtualService(
                                tcp.toBuilder()
                                    .setMeta(Fixtures.meta("tls-db-2"))
                                    .setPoolRef("tls-h2-pool")
                                    .setServices(0, tcp.getServices(0).toBuilder().setPort(15434)))
                            .build()));
    assertThat(serviceSide.getField()).isEqualTo("virtual_service.pool_ref");
    assertThat(serviceSide.getDescription()).contains("HTTP/2");
  }

  @Test
  void aTcpServiceCannotReachHttp2ThroughABPoolWhicheverIsWrittenFirst() throws Exception {
    createPool(
        staticPool("ab-h2", "10.0.0.43:50051").toBuilder()
            .setMemberProtocol(MemberProtocol.MEMBER_PROTOCOL_H2C)
            .build());
    Pool plain = createPool(staticPool("ab-a", "10.0.0.44:5432"));
    createTcpService("ab-db", "ab-a", 15435);

    // the A pool of a TCP service takes an HTTP/2 B pool
    BadRequest.FieldViolation abSide =
        violation(
            () ->
                clients
                    .operator()
                    .updatePool(
                        UpdatePoolRequest.newBuilder()
                            .setPool(plain.toBuilder().setAbPool(bPool("ab-h2")))
                            .build()));
    assertThat(abSide.getField()).isEqualTo("pool.ab_pool.pool_ref");
    assertThat(abSide.getDescription()).contains("ab-h2").contains("ab-db");

    // a TCP service names a pool whose B pool speaks HTTP/2
    createPool(staticPool("ab-a2", "10.0.0.45:5432").toBuilder().setAbPool(bPool("ab-h2")).build());
    BadRequest.FieldViolation serviceSide =
        violation(() -> createTcpService("ab-db-2", "ab-a2", 15436));
    assertThat(serviceSide.getField()).isEqualTo("virtual_service.pool_ref");
    assertThat(serviceSide.getDescription()).contains("B pool").contains("ab-h2");

    // the B pool of a TCP service's pool turns to HTTP/2
    Pool b = createPool(staticPool("ab-b3", "10.0.0.46:5432"));
    createPool(staticPool("ab-a3", "10.0.0.47:5432").toBuilder().setAbPool(bPool("ab-b3")).build());
    createTcpService("ab-db-3", "ab-a3", 15437);
    BadRequest.FieldViolation bSide =
        violation(
            () ->
                clients
                    .operator()
                    .updatePool(
                        UpdatePoolRequest.newBuilder()
                            .setPool(
                                b.toBuilder().setMemberProtocol(MemberProtocol.MEMBER_PROTOCOL_H2C))
                            .build()));
    assertThat(bSide.getField()).isEqualTo("pool.member_protocol");
    assertThat(bSide.getDescription()).contains("ab-db-3").contains("ab-a3");
  }

  private void createTcpService(String name, String pool, int port) {
    VirtualService http = eastWest(name, pool, port);
    clients
        .operator()
        .createVirtualService(
            CreateVirtualServiceRequest.newBuilder()
                .setVirtualService(
                    http.toBuilder()
                        .setServices(
                            0, http.getServices(0).toBuilder().setProtocol(Protocol.PROTOCOL_TCP)))
                .build());
  }

  private static io.gatehouse.api.policy.v1.AbPool bPool(String name) {
    return io.gatehouse.api.policy.v1.AbPool.newBuilder().setPoolRef(name).setRatio(10).build();
  }

  private static Pool withTls(Pool pool, String clientCertificate) {
    return pool.toBuilder()
        .setMemberTls(
            MemberTls.newBuilder()
                .setCaCertificatesPem(CA)
                .setServerName("orders.internal")
                .setClientCertificateRef(clientCertificate))
        .build();
  }

  private BadRequest.FieldViolation violation(Runnable call) throws Exception {
    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(code(refused)).as(String.valueOf(refused)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return details(refused).getDetails(0).unpack(BadRequest.class).getFieldViolations(0);
  }

  private Pool createPool(Pool pool) {
    return clients.operator().createPool(CreatePoolRequest.newBuilder().setPool(pool).build());
  }
}
