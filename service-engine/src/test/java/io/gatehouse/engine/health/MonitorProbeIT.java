package io.gatehouse.engine.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.HealthMonitorConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.testing.RecordingMember;
import io.gatehouse.engine.testing.RunningEngine;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What one probe of each kind of monitor sends, and what makes it pass. */
class MonitorProbeIT {
  private static final Duration SECOND = Duration.ofSeconds(1);
  private final Transport transport = Transport.best();
  private final EventLoopGroup group = transport.group(1, "probe-test");
  private final Bootstrap bootstrap =
      new Bootstrap().group(group).channel(transport.socketChannel());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static HealthMonitorConfig http(
      String method, String host, List<HealthMonitorConfig.StatusRange> expected, int port) {
    return new HealthMonitorConfig(
        HealthMonitorConfig.Type.HTTP,
        SECOND,
        SECOND,
        1,
        1,
        "/ready",
        method,
        host,
        expected,
        port,
        "",
        "");
  }

  private static HealthMonitorConfig tcp(String send, String expect, int port) {
    return new HealthMonitorConfig(
        HealthMonitorConfig.Type.TCP,
        SECOND,
        SECOND,
        1,
        1,
        "/",
        "GET",
        null,
        List.of(),
        port,
        send,
        expect);
  }

  private boolean probe(int memberPort, HealthMonitorConfig monitor) throws Exception {
    return probe(memberPort, null, monitor);
  }

  private boolean probe(
      int memberPort, io.gatehouse.engine.tls.MemberTls tls, HealthMonitorConfig monitor)
      throws Exception {
    Endpoint member =
        new Pool(
                new PoolConfig(
                    "p",
                    LbAlgorithm.ROUND_ROBIN,
                    List.of(new EndpointConfig("127.0.0.1", memberPort, 1)),
                    SECOND))
            .members()
            .get(0);
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    HealthChecker.probe(bootstrap, member, tls, monitor, result::complete);
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void anHttpProbeOfAPoolWithMemberTlsGoesOverItAndFailsOnAMemberItCannotVerify() throws Exception {
    var ca = io.gatehouse.testsupport.TestCertificates.authority("members-ca");
    var tls =
        io.gatehouse.engine.tls.MemberTls.of(
            new io.gatehouse.engine.config.MemberTlsConfig(
                ca.pem().certificate(), "orders.internal", null),
            null,
            io.gatehouse.engine.config.MemberProtocol.H2); // probes speak HTTP/1.1 all the same
    try (var member = new io.gatehouse.engine.testing.TlsMember(ca.issue("orders.internal"), null);
        var stranger =
            new io.gatehouse.engine.testing.TlsMember(
                io.gatehouse.testsupport.TestCertificates.authority("other-ca")
                    .issue("orders.internal"),
                null)) {
      assertThat(probe(member.port(), tls, http("GET", null, List.of(), 0))).isTrue();
      assertThat(member.serverNames()).containsOnly("orders.internal");
      assertThat(probe(member.port(), null, http("GET", null, List.of(), 0))).isFalse();
      assertThat(probe(stranger.port(), tls, http("GET", null, List.of(), 0))).isFalse();
      assertThat(stranger.requests()).isZero();
    }
  }

  @Test
  void anHttpProbeSendsItsMethodAndHostAndPassesOnTheStatusesItExpects() throws Exception {
    try (RecordingMember member = new RecordingMember()) {
      member.answerWith("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");

      assertThat(probe(member.port(), http("GET", null, List.of(), 0))).isFalse();
      assertThat(
              probe(
                  member.port(),
                  http(
                      "HEAD",
                      "shop.example.com",
                      List.of(
                          new HealthMonitorConfig.StatusRange(200, 299),
                          new HealthMonitorConfig.StatusRange(503, 503)),
                      0)))
          .isTrue();
      assertThat(member.requests().get(1))
          .startsWith("HEAD /ready HTTP/1.1\r\n")
          .containsIgnoringCase("host: shop.example.com\r\n");
    }
  }

  @Test
  void aMonitorPortIsProbedInsteadOfTheMembersOwn() throws Exception {
    try (RecordingMember member = new RecordingMember()) {
      int nothingListens = RunningEngine.freePort();

      assertThat(probe(nothingListens, http("GET", null, List.of(), member.port()))).isTrue();
      assertThat(probe(member.port(), tcp("", "", nothingListens))).isFalse();
    }
  }

  @Test
  void aTcpProbeSendsItsBytesAndPassesOnlyWhenTheReplyHoldsTheExpectedOnes() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      Thread answering =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] ping = in.readNBytes(6);
                    OutputStream out = s.getOutputStream();
                    out.write(
                        new String(ping, StandardCharsets.ISO_8859_1).equals("PING\r\n")
                            ? "+PONG\r\n".getBytes(StandardCharsets.ISO_8859_1)
                            : "-ERR\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    in.read(); // until the probe closes
                  } catch (java.io.IOException closed) {
                    // the test ended, or the probe went
                  }
                }
              },
              "tcp-member");
      answering.start();

      assertThat(probe(server.getLocalPort(), tcp("PING\r\n", "+PONG", 0))).isTrue();
      assertThat(probe(server.getLocalPort(), tcp("PANG\r\n", "+PONG", 0))).isFalse();
    }
  }

  @Test
  void aMemberIsUpWhileEveryMonitorFindsItUp() {
    Endpoint member =
        new Pool(
                new PoolConfig(
                    "p",
                    LbAlgorithm.ROUND_ROBIN,
                    List.of(new EndpointConfig("127.0.0.1", 1, 1)),
                    SECOND))
            .members()
            .get(0);

    assertThat(member.probed(0, 2, true, 1, 1)).isFalse();
    assertThat(member.probed(1, 2, false, 1, 1)).isTrue();
    assertThat(member.healthy()).isFalse();
    assertThat(member.probed(0, 2, true, 1, 1)).isFalse(); // the other still says down
    assertThat(member.probed(1, 2, true, 1, 1)).isTrue();
    assertThat(member.healthy()).isTrue();
  }

  @Test
  void aGrpcProbePassesOnlyWhenTheServiceAnswersServing() throws Exception {
    io.grpc.protobuf.services.HealthStatusManager health =
        new io.grpc.protobuf.services.HealthStatusManager();
    io.grpc.Server server =
        io.grpc.netty.NettyServerBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
            .addService(health.getHealthService())
            .build()
            .start();
    try {
      health.setStatus("shop.Cart", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
      health.setStatus("shop.Pay", io.grpc.health.v1.HealthCheckResponse.ServingStatus.NOT_SERVING);

      assertThat(probe(server.getPort(), grpc("shop.Cart"))).isTrue();
      assertThat(probe(server.getPort(), grpc(""))).isTrue(); // the server as a whole
      assertThat(probe(server.getPort(), grpc("shop.Pay"))).isFalse();
      assertThat(probe(server.getPort(), grpc("shop.Unknown"))).isFalse(); // NOT_FOUND
      try (RecordingMember http1 = new RecordingMember()) {
        assertThat(probe(http1.port(), grpc("shop.Cart"))).isFalse(); // not HTTP/2 at all
      }
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static HealthMonitorConfig grpc(String service) {
    return new HealthMonitorConfig(
        HealthMonitorConfig.Type.GRPC,
        SECOND,
        SECOND,
        1,
        1,
        "/",
        "GET",
        null,
        List.of(),
        0,
        "",
        "",
        service);
  }
}
