package io.gatehouse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.testing.H2Client;
import io.gatehouse.engine.testing.TestBackend;
import io.gatehouse.testsupport.ServiceJar;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged engine as users start it: the quick form and a configuration file. */
class ServiceEngineMainIT {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private String get(int port, String path) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void theQuickFormProxiesToTheBackendsAndTheAdminPortReports() throws Exception {
    try (TestBackend a = TestBackend.start("a");
        TestBackend b = TestBackend.start("b")) {
      int listen = ServiceJar.freePort();
      int admin = ServiceJar.freePort();
      try (ServiceJar engine =
          ServiceJar.start(
                  "service-engine",
                  List.of(
                      "--listen=127.0.0.1:" + listen,
                      "--backend=127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port(),
                      "--admin=127.0.0.1:" + admin),
                  Map.of())
              .awaitPort(admin, Duration.ofSeconds(30))) {
        assertThat(List.of(get(listen, "/hello"), get(listen, "/hello")))
            .containsExactlyInAnyOrder("hello from a", "hello from b");
        assertThat(get(admin, "/health")).contains("\"status\":\"UP\"");
        assertThat(get(admin, "/metrics"))
            .contains("gatehouse_se_requests_total{virtual_service=\"default\"} 2.0");
        assertThat(get(admin, "/config")).contains("\"port\" : " + a.port());
        // the timing summary appears once the per-second collector has run
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    get(admin, "/metrics")
                        .contains(
                            "gatehouse_se_request_timing_seconds_count{component=\"total\",virtual_service=\"default\"} 2"));
      }
    }
  }

  @Test
  void aConfigurationFileIsServedAndABadOneIsRefusedNamingTheField() throws Exception {
    try (TestBackend a = TestBackend.start("a")) {
      int listen = ServiceJar.freePort();
      int admin = ServiceJar.freePort();
      Path file = Files.createTempFile("engine", ".yaml");
      Files.writeString(
          file,
          """
          virtual_services:
            - {name: web, listeners: [{address: 127.0.0.1, port: %d}]}
          pools:
            - {name: web, endpoints: [{address: 127.0.0.1, port: %d}]}
          """
              .formatted(listen, a.port()));
      try (ServiceJar engine =
          ServiceJar.start(
                  "service-engine",
                  List.of("--config=" + file, "--admin=127.0.0.1:" + admin),
                  Map.of())
              .awaitPort(admin, Duration.ofSeconds(30))) {
        assertThat(get(listen, "/hello")).isEqualTo("hello from a");
      }

      Files.writeString(file, "pools: [{name: web, endpoints: [{address: 127.0.0.1, port: 0}]}]");
      try (ServiceJar refused =
          ServiceJar.start(
              "service-engine",
              List.of("--config=" + file, "--admin=127.0.0.1:" + admin),
              Map.of())) {
        assertThat(refused.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
        assertThat(refused.output()).contains("pools.web.endpoints[0].port: must be 1-65535");
      }
    }
  }

  @Test
  void aControlPlaneWithoutTlsMustBeAskedFor() throws Exception {
    try (ServiceJar refused =
        ServiceJar.start(
            "service-engine",
            List.of(
                "--control=127.0.0.1:" + ServiceJar.freePort(),
                "--admin=127.0.0.1:" + ServiceJar.freePort()),
            Map.of())) {
      assertThat(refused.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(refused.output())
          .contains("--control-ca: is required with --control or --analytics")
          .contains("--control-plaintext runs without TLS");
    }
  }

  @Test
  void http2LimitsAreSetByOptionsAndOneOutOfRangeIsRefusedNamingIt() throws Exception {
    int listen = ServiceJar.freePort();
    int admin = ServiceJar.freePort();
    try (ServiceJar engine =
            ServiceJar.start(
                    "service-engine",
                    List.of(
                        "--listen=127.0.0.1:" + listen,
                        "--backend=127.0.0.1:1",
                        "--admin=127.0.0.1:" + admin,
                        "--http2-max-concurrent-streams=7",
                        "--http2-initial-window-size=131072",
                        "--http2-max-header-list-size=4096"),
                    Map.of())
                .awaitPort(admin, Duration.ofSeconds(30));
        H2Client client = H2Client.connect(listen)) {
      H2Client.Frame settings = client.next();
      assertThat(settings.type()).isEqualTo(H2Client.SETTINGS);
      Map<Integer, Integer> values = new java.util.HashMap<>();
      java.nio.ByteBuffer payload = java.nio.ByteBuffer.wrap(settings.payload());
      while (payload.remaining() >= 6) {
        values.put((int) payload.getShort(), payload.getInt());
      }
      assertThat(values).containsEntry(3, 7).containsEntry(4, 131072).containsEntry(6, 4096);
    }
    try (ServiceJar refused =
        ServiceJar.start(
            "service-engine",
            List.of(
                "--listen=127.0.0.1:" + ServiceJar.freePort(),
                "--backend=127.0.0.1:1",
                "--admin=127.0.0.1:" + ServiceJar.freePort(),
                "--http2-max-concurrent-streams=0"),
            Map.of())) {
      assertThat(refused.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(refused.output())
          .contains("--http2-max-concurrent-streams: must be 1 to 10000, not 0")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void aControlPlaneAddressThatIsNotHostPortIsRefusedNamingTheOption() throws Exception {
    try (ServiceJar refused =
        ServiceJar.start(
            "service-engine",
            List.of(
                "--listen=127.0.0.1:" + ServiceJar.freePort(),
                "--backend=127.0.0.1:1",
                "--admin=127.0.0.1:" + ServiceJar.freePort(),
                "--analytics=127.0.0.1:127.0.0.1:9104"),
            Map.of())) {
      assertThat(refused.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(refused.output())
          .contains("--analytics: \"127.0.0.1:127.0.0.1:9104\" is not HOST:PORT")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void aRestartedEngineServesItsLastGoodConfigurationWithoutBeingToldAgain() throws Exception {
    try (TestBackend a = TestBackend.start("a")) {
      int listen = ServiceJar.freePort();
      int admin = ServiceJar.freePort();
      Path state = Files.createTempDirectory("engine-state");
      List<String> quickForm =
          List.of(
              "--listen=127.0.0.1:" + listen,
              "--backend=127.0.0.1:" + a.port(),
              "--admin=127.0.0.1:" + admin,
              "--state-dir=" + state);
      try (ServiceJar first =
          ServiceJar.start("service-engine", quickForm, Map.of())
              .awaitPort(admin, Duration.ofSeconds(30))) {
        assertThat(get(listen, "/hello")).isEqualTo("hello from a");
      }

      try (ServiceJar restarted =
          ServiceJar.start(
                  "service-engine",
                  List.of("--admin=127.0.0.1:" + admin, "--state-dir=" + state),
                  Map.of())
              .awaitPort(admin, Duration.ofSeconds(30))) {
        assertThat(get(listen, "/hello")).isEqualTo("hello from a");
        assertThat(restarted.output()).contains("serving the last good configuration from");
      }
    }
  }

  @Test
  void anAdminPortOffLoopbackNeedsATokenAndWithOneAsksForItEverywhereButHealth() throws Exception {
    List<String> quickForm =
        List.of("--listen=127.0.0.1:" + ServiceJar.freePort(), "--backend=127.0.0.1:1");
    int admin = ServiceJar.freePort();
    try (ServiceJar refused =
        ServiceJar.start(
            "service-engine", concat(quickForm, List.of("--admin=0.0.0.0:" + admin)), Map.of())) {
      assertThat(refused.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(refused.output())
          .contains("--admin: 0.0.0.0 is not a loopback address: give --admin-token-file");
    }

    Path tokenFile = Files.createTempFile("admin", ".token");
    Files.writeString(tokenFile, "s3cret-admin-token-0123456789\n");
    try (ServiceJar engine =
        ServiceJar.start(
                "service-engine",
                concat(
                    quickForm,
                    List.of("--admin=127.0.0.1:" + admin, "--admin-token-file=" + tokenFile)),
                Map.of())
            .awaitPort(admin, Duration.ofSeconds(30))) {
      assertThat(status(admin, "/health", null)).isEqualTo(200);
      assertThat(status(admin, "/metrics", null)).isEqualTo(401);
      assertThat(status(admin, "/config", "Bearer wrong-token-0123456789")).isEqualTo(401);
      assertThat(status(admin, "/metrics", "Bearer s3cret-admin-token-0123456789")).isEqualTo(200);
      assertThat(engine.output()).doesNotContain("s3cret");
    }
  }

  @Test
  void anUnreadableLastGoodFileIsSetAsideUnderAManagerButRefusedWhenAlone() throws Exception {
    Path state = Files.createTempDirectory("engine-state");
    Files.writeString(state.resolve("last-good-config.json"), "{\"pools\": [{\"name\": ");
    int admin = ServiceJar.freePort();
    try (ServiceJar alone =
        ServiceJar.start(
            "service-engine",
            List.of("--admin=127.0.0.1:" + admin, "--state-dir=" + state),
            Map.of())) {
      assertThat(alone.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    }
    assertThat(state.resolve("last-good-config.json")).exists();

    try (ServiceJar managed =
        ServiceJar.start(
                "service-engine",
                List.of(
                    "--control=127.0.0.1:" + ServiceJar.freePort(), // nobody there yet
                    "--control-plaintext",
                    "--se-id=se-test",
                    "--admin=127.0.0.1:" + admin,
                    "--state-dir=" + state),
                Map.of())
            .awaitPort(admin, Duration.ofSeconds(30))) {
      assertThat(get(admin, "/health")).contains("\"status\":\"UP\"");
      assertThat(managed.output())
          .containsOnlyOnce("the last good configuration does not read")
          .doesNotContain("\"pools\"");
    }
    try (var files = Files.list(state)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .hasSize(2)
          .contains("last-good-config.json") // what the engine applied since: nothing yet
          .anyMatch(name -> name.startsWith("last-good-config.json.unreadable-"));
    }
    assertThat(new io.gatehouse.engine.config.LastGoodConfig(state).load()).isPresent();
  }

  private int status(int port, String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  @Test
  void anEngineUnderControlServesWhatTheManagerPushes() throws Exception {
    io.gatehouse.semanager.push.ConfigPush push = new io.gatehouse.semanager.push.ConfigPush();
    int managerPort = ServiceJar.freePort();
    io.grpc.Server manager =
        io.grpc.netty.NettyServerBuilder.forAddress(
                new java.net.InetSocketAddress("127.0.0.1", managerPort))
            .addService(
                new io.gatehouse.semanager.control.ControlGrpcService(
                    push, "test-manager", Duration.ofSeconds(1)))
            .build()
            .start();
    try (TestBackend a = TestBackend.start("a")) {
      int listen = ServiceJar.freePort();
      int admin = ServiceJar.freePort();
      push.publish(
          io.gatehouse.semanager.push.ResourceSet.of(
              Map.of(
                  io.gatehouse.api.semanager.v1.ResourceType.RESOURCE_TYPE_POOL,
                  List.of(
                      io.gatehouse.api.semanager.v1.Resource.newBuilder()
                          .setName("web")
                          .setPool(
                              io.gatehouse.api.semanager.v1.PoolResource.newBuilder()
                                  .addEndpoints(
                                      io.gatehouse.api.semanager.v1.PoolEndpoint.newBuilder()
                                          .setAddress("127.0.0.1")
                                          .setPort(a.port())))
                          .build()),
                  io.gatehouse.api.semanager.v1.ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE,
                  List.of(
                      io.gatehouse.api.semanager.v1.Resource.newBuilder()
                          .setName("web")
                          .setVirtualService(
                              io.gatehouse.api.semanager.v1.VirtualServiceResource.newBuilder()
                                  .setPool("web")
                                  .addListeners(
                                      io.gatehouse.api.semanager.v1.Listener.newBuilder()
                                          .setAddress("127.0.0.1")
                                          .setPort(listen)))
                          .build()))));
      try (ServiceJar engine =
          ServiceJar.start(
                  "service-engine",
                  List.of(
                      "--control=127.0.0.1:" + managerPort,
                      "--control-plaintext",
                      "--se-id=se-test",
                      "--admin=127.0.0.1:" + admin),
                  Map.of())
              .awaitPort(listen, Duration.ofSeconds(30))) {
        assertThat(get(listen, "/hello")).isEqualTo("hello from a");
        assertThat(push.engines()).containsExactly("se-test");
      }
    } finally {
      manager.shutdownNow();
    }
  }
}
