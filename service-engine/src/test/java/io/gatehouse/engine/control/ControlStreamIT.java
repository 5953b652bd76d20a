package io.gatehouse.engine.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.policy.v1.LbAlgorithm;
import io.gatehouse.api.semanager.v1.Heartbeat;
import io.gatehouse.api.semanager.v1.Listener;
import io.gatehouse.api.semanager.v1.LoadFigures;
import io.gatehouse.api.semanager.v1.PoolEndpoint;
import io.gatehouse.api.semanager.v1.PoolResource;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.VirtualServiceResource;
import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.internal.ControlPlaneTls;
import io.gatehouse.engine.internal.EngineCredentialStore;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import io.gatehouse.semanager.control.ConnectionListener;
import io.gatehouse.semanager.control.ControlGrpcService;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.semanager.push.ResourceSet;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine's control stream against se-manager-svc's real push and Connect service over loopback
 * gRPC: pushed services serve traffic, a bad one is NACKed while the others converge, and traffic
 * goes on while the manager is away; a reconnect gets the full state again.
 */
@ExtendWith(LeakCheck.class)
class ControlStreamIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Resource pool(String name, int port) {
    return Resource.newBuilder()
        .setName(name)
        .setPool(
            PoolResource.newBuilder()
                .setLbAlgorithm(LbAlgorithm.LB_ALGORITHM_ROUND_ROBIN)
                .addEndpoints(
                    PoolEndpoint.newBuilder().setId("m").setAddress("127.0.0.1").setPort(port)))
        .build();
  }

  private static Resource pool(String name, int... ports) {
    PoolResource.Builder pool =
        PoolResource.newBuilder().setLbAlgorithm(LbAlgorithm.LB_ALGORITHM_ROUND_ROBIN);
    for (int port : ports) {
      pool.addEndpoints(
          PoolEndpoint.newBuilder().setId("m" + port).setAddress("127.0.0.1").setPort(port));
    }
    return Resource.newBuilder().setName(name).setPool(pool).build();
  }

  /** Virtual service "web" on {@code port}, its pool the one member on {@code member}. */
  private static ResourceSet webOn(int port, int member) {
    return ResourceSet.of(
        Map.of(
            ResourceType.RESOURCE_TYPE_POOL, List.of(pool("web", member)),
            ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE, List.of(service("web", port))));
  }

  private static Resource service(String name, int port) {
    return Resource.newBuilder()
        .setName(name)
        .setVirtualService(
            VirtualServiceResource.newBuilder()
                .setPool(name)
                .addListeners(Listener.newBuilder().setAddress("127.0.0.1").setPort(port)))
        .build();
  }

  private static Server manager(ConfigPush push, int port) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(new ControlGrpcService(push, "test-manager", Duration.ofSeconds(1)))
        .build()
        .start();
  }

  private String body(int port) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      return "";
    }
  }

  @Test
  void anEngineGivenSeveralManagersMovesToAnotherWhenItsManagerGoesAndKeepsServing()
      throws Exception {
    ConfigPush first = new ConfigPush();
    ConfigPush second = new ConfigPush(); // a replica: the same desired state, the same versions
    int firstPort = RunningEngine.freePort();
    int secondPort = RunningEngine.freePort();
    Server firstManager = manager(first, firstPort);
    Server secondManager = manager(second, secondPort);
    ServiceEngine engine = RunningEngine.start();
    try (TestBackend backend = TestBackend.start("a");
        ControlClient control =
            control(
                engine,
                // no manager at the first address
                "127.0.0.1:"
                    + RunningEngine.freePort()
                    + ",127.0.0.1:"
                    + firstPort
                    + ",127.0.0.1:"
                    + secondPort)) {
      int web = RunningEngine.freePort();
      ResourceSet desired = webOn(web, backend.port());
      first.publish(desired);
      second.publish(desired);
      await().atMost(WAIT).until(() -> status(web) == 200);
      assertThat(first.engines()).containsExactly("se-1");
      assertThat(second.engines()).isEmpty();

      firstManager.shutdownNow();
      ConfigPush.Key webKey = new ConfigPush.Key(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE, "web");
      await().atMost(WAIT).until(() -> second.applied("se-1", webKey).isPresent());
      assertThat(second.applied("se-1", webKey))
          .isEqualTo(
              Optional.of(
                  desired
                      .ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE)
                      .get("web")
                      .getVersion()));
      assertThat(status(web)).isEqualTo(200);
    } finally {
      firstManager.shutdownNow();
      secondManager.shutdownNow();
      engine.close();
    }
  }

  @Test
  void aRemovedEndpointArrivesAsASmallUpdateAndTrafficLeavesIt() throws Exception {
    ConfigPush push = new ConfigPush();
    int managerPort = RunningEngine.freePort();
    Server manager = manager(push, managerPort);
    ServiceEngine engine = RunningEngine.start();
    try (TestBackend a = TestBackend.start("a");
        TestBackend b = TestBackend.start("b");
        ControlClient control = control(engine, "127.0.0.1:" + managerPort)) {
      int web = RunningEngine.freePort();
      ConfigPush.Key poolKey = new ConfigPush.Key(ResourceType.RESOURCE_TYPE_POOL, "web");
      push.publish(
          ResourceSet.of(
              Map.of(
                  ResourceType.RESOURCE_TYPE_POOL, List.of(pool("web", a.port(), b.port())),
                  ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE, List.of(service("web", web)))));
      await().atMost(WAIT).until(() -> push.applied("se-1", poolKey).isPresent());
      String both = push.applied("se-1", poolKey).orElseThrow();

      push.publish(
          ResourceSet.of(
              Map.of(
                  ResourceType.RESOURCE_TYPE_POOL, List.of(pool("web", a.port())),
                  ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE, List.of(service("web", web)))));

      await().atMost(WAIT).until(() -> !push.applied("se-1", poolKey).orElseThrow().equals(both));
      for (int i = 0; i < 4; i++) {
        assertThat(body(web)).isEqualTo("hello from a");
      }
      assertThat(engine.pools().get("web").members()).hasSize(1);
    } finally {
      manager.shutdownNow();
      engine.close();
    }
  }

  /** Engine "se-1"'s control stream to {@code target}, reconnecting within 100-400 ms. */
  private static ControlClient control(ServiceEngine engine, String target) {
    return new ControlClient(
            engine,
            new ControlClient.Settings(
                target,
                ControlPlaneTls.plaintext(),
                EngineCredentialStore.of(null),
                "se-1",
                "",
                "node-1",
                "agent-1",
                Duration.ofMillis(100),
                Duration.ofMillis(400)),
            LoadMeter.of(engine, () -> 0),
            null)
        .start();
  }

  private int status(int port) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello")).build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void heartbeatsCarryTheEnginesLoad() throws Exception {
    ConfigPush push = new ConfigPush();
    int managerPort = RunningEngine.freePort();
    List<LoadFigures> loads = new java.util.concurrent.CopyOnWriteArrayList<>();
    Server manager =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", managerPort))
            .addService(
                new ControlGrpcService(
                    push,
                    "test-manager",
                    Duration.ofSeconds(1),
                    () -> true,
                    new ConnectionListener() {
                      @Override
                      public void heartbeat(String seId, Heartbeat heartbeat) {
                        loads.add(heartbeat.getLoad());
                      }
                    },
                    java.util.Optional::empty,
                    null,
                    engine -> false,
                    identity -> java.util.Optional.empty()))
            .build()
            .start();
    ServiceEngine engine = RunningEngine.start();
    try (TestBackend backend = TestBackend.start("a");
        ControlClient control = control(engine, "127.0.0.1:" + managerPort)) {
      int web = RunningEngine.freePort();
      push.publish(webOn(web, backend.port()));
      // requests keep coming while heartbeats go: one of them reports a rate
      await()
          .atMost(WAIT)
          .until(
              () ->
                  status(web) == 200
                      && loads.stream()
                          .anyMatch(l -> l.getRequestsPerSecond() > 0 && l.getCpuUsed() > 0));
      assertThat(loads).allSatisfy(l -> assertThat(l.getResidentMemoryBytes()).isPositive());
    } finally {
      engine.close();
      manager.shutdownNow().awaitTermination();
    }
  }

  @Test
  void pushedServicesServeBadOnesAreRejectedAndTrafficOutlivesTheManager() throws Exception {
    ConfigPush push = new ConfigPush();
    int managerPort = RunningEngine.freePort();
    Server manager = manager(push, managerPort);
    ServiceEngine engine = RunningEngine.start();
    try (TestBackend backend = TestBackend.start("a");
        ControlClient control = control(engine, "127.0.0.1:" + managerPort)) {
      int web = RunningEngine.freePort();
      push.publish(webOn(web, backend.port()));
      await().atMost(WAIT).until(() -> status(web) == 200);
      ConfigPush.Key webKey = new ConfigPush.Key(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE, "web");
      await().atMost(WAIT).until(() -> push.applied("se-1", webKey).isPresent());

      // a service on an impossible port is rejected; its sibling is served all the same
      int api = RunningEngine.freePort();
      push.publish(
          ResourceSet.of(
              Map.of(
                  ResourceType.RESOURCE_TYPE_POOL,
                  List.of(
                      pool("web", backend.port()),
                      pool("api", backend.port()),
                      pool("bad", backend.port())),
                  ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE,
                  List.of(service("web", web), service("api", api), service("bad", 70000)))));
      ConfigPush.Key badKey = new ConfigPush.Key(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE, "bad");
      await().atMost(WAIT).until(() -> push.rejection("se-1", badKey).isPresent());
      assertThat(push.rejection("se-1", badKey).orElseThrow().error()).contains("70000");
      await().atMost(WAIT).until(() -> status(api) == 200);
      assertThat(push.applied("se-1", badKey)).isEmpty();
      assertThat(status(web)).isEqualTo(200);

      // the manager goes away: traffic does not notice
      manager.shutdownNow().awaitTermination();
      await().atMost(WAIT).until(() -> !control.connected());
      assertThat(status(web)).isEqualTo(200);
      assertThat(status(api)).isEqualTo(200);

      // it comes back: the engine reconnects and is sent the full state again (and ACKs it)
      ConfigPush restarted = new ConfigPush();
      restarted.publish(webOn(web, backend.port()));
      manager = manager(restarted, managerPort);
      await().atMost(WAIT).until(() -> restarted.applied("se-1", webKey).isPresent());
      await().atMost(WAIT).until(() -> status(api) == -1); // api is not in the full state any more
      assertThat(status(web)).isEqualTo(200);
    } finally {
      manager.shutdownNow();
      engine.close();
    }
  }
}
