package io.gatehouse.semanager.push;

import static io.gatehouse.semanager.push.PushFixtures.POOL;
import static io.gatehouse.semanager.push.PushFixtures.VS;
import static io.gatehouse.semanager.push.PushFixtures.names;
import static io.gatehouse.semanager.push.PushFixtures.pool;
import static io.gatehouse.semanager.push.PushFixtures.service;
import static io.gatehouse.semanager.push.PushFixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.semanager.v1.Ack;
import io.gatehouse.api.semanager.v1.Nack;
import io.gatehouse.api.semanager.v1.RejectedResource;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ResourceUpdate;
import io.gatehouse.api.semanager.v1.ResourceVersion;
import io.gatehouse.semanager.push.PushFixtures.Recorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigPushTest {

  @Test
  void aConnectingEngineGetsTheFullStateInApplyOrder() {
    ConfigPush push = new ConfigPush();
    push.publish(set(List.of(pool("web", 31001)), List.of(service("web", 10080))));
    Recorder engine = new Recorder();

    push.connect("se-1", engine);

    List<ResourceUpdate> updates = engine.take();
    assertThat(updates).allMatch(ResourceUpdate::getFullState);
    assertThat(updates)
        .extracting(ResourceUpdate::getType)
        .containsExactly(
            ResourceType.RESOURCE_TYPE_CERTIFICATE,
            ResourceType.RESOURCE_TYPE_SECURITY_POLICY,
            POOL,
            VS);
    assertThat(names(updates.get(2))).containsExactly("web");
    assertThat(updates.get(2).getResources(0).getVersion()).hasSize(16);
    assertThat(updates).extracting(ResourceUpdate::getNonce).doesNotHaveDuplicates();
  }

  @Test
  void onlyWhatChangedIsSentAndRemovalsComeAfterUpsertsInReverseOrder() {
    ConfigPush push = new ConfigPush();
    push.publish(
        set(
            List.of(pool("web", 31001), pool("old", 31009)),
            List.of(service("web", 10080), service("old", 10090))));
    Recorder engine = new Recorder();
    push.connect("se-1", engine);
    engine.take();

    // web's pool gains a member; "old" goes entirely
    push.publish(set(List.of(pool("web", 31001, 31002)), List.of(service("web", 10080))));

    List<ResourceUpdate> updates = engine.take();
    assertThat(updates).hasSize(3);
    assertThat(updates.get(0).getType()).isEqualTo(POOL);
    assertThat(names(updates.get(0))).containsExactly("web"); // the unchanged VS is not resent
    assertThat(updates.get(1).getType()).isEqualTo(VS);
    assertThat(updates.get(1).getRemovedList()).containsExactly("old"); // the service first ...
    assertThat(updates.get(2).getType()).isEqualTo(POOL);
    assertThat(updates.get(2).getRemovedList()).containsExactly("old"); // ... then its pool
    assertThat(updates).noneMatch(ResourceUpdate::getFullState);

    push.publish(set(List.of(pool("web", 31001, 31002)), List.of(service("web", 10080))));
    assertThat(engine.take()).isEmpty(); // nothing changed, nothing sent
  }

  @Test
  void aRejectedVersionIsNeverResentButItsSuccessorIs() {
    ConfigPush push = new ConfigPush();
    Resource bad = service("web", 70000);
    push.publish(set(List.of(pool("web", 31001)), List.of(bad)));
    Recorder engine = new Recorder();
    push.connect("se-1", engine);
    String badVersion = engine.take().get(3).getResources(0).getVersion();

    push.nack(
        "se-1",
        Nack.newBuilder()
            .setType(VS)
            .addRejected(
                RejectedResource.newBuilder()
                    .setResource(
                        ResourceVersion.newBuilder()
                            .setType(VS)
                            .setName("web")
                            .setVersion(badVersion))
                    .setErrorDetail(
                        com.google.rpc.Status.newBuilder().setMessage("port 70000 is not 1-65535")))
            .build());
    assertThat(push.rejection("se-1", new ConfigPush.Key(VS, "web")))
        .hasValueSatisfying(r -> assertThat(r.error()).contains("70000"));

    // a reconnect does not bring the rejected version back
    push.disconnect("se-1", engine);
    Recorder again = new Recorder();
    push.connect("se-1", again);
    assertThat(again.take().get(3).getResourcesList()).isEmpty();

    // a fixed resource is a new version: it goes out, and the rejection is history
    push.publish(set(List.of(pool("web", 31001)), List.of(service("web", 10080))));
    List<ResourceUpdate> fixed = again.take();
    assertThat(fixed).singleElement().satisfies(u -> assertThat(names(u)).containsExactly("web"));
    assertThat(push.rejection("se-1", new ConfigPush.Key(VS, "web"))).isEmpty();
  }

  @Test
  void acknowledgedVersionsAreRecordedPerEngine() {
    ConfigPush push = new ConfigPush();
    push.publish(set(List.of(pool("web", 31001)), List.of()));
    Recorder one = new Recorder();
    Recorder two = new Recorder();
    push.connect("se-1", one);
    push.connect("se-2", two);
    String version = one.take().get(2).getResources(0).getVersion();

    push.ack(
        "se-1",
        Ack.newBuilder()
            .setType(POOL)
            .addApplied(
                ResourceVersion.newBuilder().setType(POOL).setName("web").setVersion(version))
            .build());

    assertThat(push.applied("se-1", new ConfigPush.Key(POOL, "web"))).contains(version);
    assertThat(push.applied("se-2", new ConfigPush.Key(POOL, "web"))).isEmpty();
    assertThat(push.engines()).containsExactlyInAnyOrder("se-1", "se-2");
  }

  @Test
  void eachEngineGetsTheStateOfItsOwnGroup() {
    ConfigPush push = new ConfigPush();
    push.publish(
        info ->
            info.seGroup().equals("edge")
                ? set(
                    List.of(pool("web", 31001)),
                    List.of(service("web", 10080), service("shop", 80)))
                : set(List.of(pool("web", 31001)), List.of(service("web", 10080))));
    Recorder edge = new Recorder();
    Recorder inner = new Recorder();

    push.connect(new ConfigPush.EngineInfo("se-edge", "edge", "n1", "agent-1"), List.of(), edge);
    push.connect(new ConfigPush.EngineInfo("se-inner", "", "n2", "agent-2"), List.of(), inner);

    assertThat(names(edge.take().get(3))).containsExactlyInAnyOrder("web", "shop");
    assertThat(names(inner.take().get(3))).containsExactly("web");
  }

  @Test
  void convergenceSaysWhichEngineRunsWhichVersionAndWhoRejectedIt() {
    ConfigPush push = new ConfigPush();
    push.publish(set(List.of(pool("web", 31001)), List.of(service("web", 10080))));
    Recorder one = new Recorder();
    Recorder two = new Recorder();
    push.connect("se-1", one);
    push.connect("se-2", two);
    List<ResourceUpdate> sent = one.take();
    String poolVersion = sent.get(2).getResources(0).getVersion();
    String vsVersion = sent.get(3).getResources(0).getVersion();

    assertThat(push.convergence())
        .singleElement()
        .satisfies(c -> assertThat(c.converged()).isFalse());

    for (String engine : List.of("se-1", "se-2")) {
      push.ack(
          engine,
          Ack.newBuilder()
              .addApplied(
                  ResourceVersion.newBuilder().setType(POOL).setName("web").setVersion(poolVersion))
              .build());
    }
    push.ack(
        "se-1",
        Ack.newBuilder()
            .addApplied(
                ResourceVersion.newBuilder().setType(VS).setName("web").setVersion(vsVersion))
            .build());
    push.nack(
        "se-2",
        Nack.newBuilder()
            .addRejected(
                RejectedResource.newBuilder()
                    .setResource(
                        ResourceVersion.newBuilder()
                            .setType(VS)
                            .setName("web")
                            .setVersion(vsVersion))
                    .setErrorDetail(com.google.rpc.Status.newBuilder().setMessage("port in use")))
            .build());

    ConvergenceReport.Convergence web = push.convergence().get(0);
    assertThat(web.desiredVersion()).isEqualTo(vsVersion);
    assertThat(web.converged()).isFalse();
    assertThat(web.engines())
        .containsExactlyInAnyOrder(
            new ConvergenceReport.EngineState("se-1", vsVersion, ""),
            new ConvergenceReport.EngineState("se-2", "", "port in use"));

    push.disconnect("se-2", two);
    assertThat(push.convergence().get(0).converged()).isTrue();
  }

  @Test
  void aPoolThatOnlyLostEndpointsGoesOutAsAnEndpointUpdateOnceItsBaseWasApplied() {
    ConfigPush push = new ConfigPush();
    push.publish(set(List.of(pool("web", 31001, 31002, 31003)), List.of(service("web", 10080))));
    Recorder engine = new Recorder();
    push.connect("se-1", engine);
    String base = engine.take().get(2).getResources(0).getVersion();

    // not applied yet: a change goes out whole
    push.publish(set(List.of(pool("web", 31001, 31002)), List.of(service("web", 10080))));
    List<ResourceUpdate> whole = engine.take();
    assertThat(whole).singleElement().satisfies(u -> assertThat(u.getType()).isEqualTo(POOL));
    assertThat(engine.endpointUpdates).isEmpty();
    String applied = whole.get(0).getResources(0).getVersion();
    push.ack(
        "se-1",
        Ack.newBuilder()
            .addApplied(
                ResourceVersion.newBuilder().setType(POOL).setName("web").setVersion(applied))
            .build());

    // applied: the next removal is a one-endpoint delta
    push.publish(set(List.of(pool("web", 31001)), List.of(service("web", 10080))));
    assertThat(engine.take()).isEmpty();
    assertThat(engine.endpointUpdates)
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.getPool()).isEqualTo("web");
              assertThat(u.getBaseVersion()).isEqualTo(applied).isNotEqualTo(base);
              assertThat(u.getRemovedList()).containsExactly("10.0.0.1:31002");
            });

    // an added endpoint is no removal: the pool goes out whole
    push.publish(set(List.of(pool("web", 31001, 31004)), List.of(service("web", 10080))));
    assertThat(engine.take())
        .singleElement()
        .satisfies(u -> assertThat(u.getType()).isEqualTo(POOL));
  }

  /** A clock the test moves. */
  /**
   * A push sends only what changed: after each of many random changes (services and pools added,
   * changed, removed, pools losing endpoints), with the engines acknowledging as they go, every
   * engine runs exactly its desired set. Two engines share each set, so they share each change's
   * difference too.
   */
  @Test
  void afterAnyChangesEveryEngineRunsExactlyItsDesiredSet() {
    java.util.Random random = new java.util.Random(20261205);
    ConfigPush push = new ConfigPush();
    Map<String, Map<String, String>> running = new java.util.HashMap<>();
    Map<String, Recorder> engines = new java.util.LinkedHashMap<>();
    for (String id : List.of("se-1", "se-2")) {
      engines.put(id, new Recorder());
      running.put(id, new java.util.HashMap<>());
      push.connect(id, engines.get(id));
    }
    Map<String, int[]> pools = new java.util.TreeMap<>();
    for (int step = 0; step < 300; step++) {
      String name = "app" + random.nextInt(12);
      switch (random.nextInt(4)) {
        case 0 -> pools.remove(name);
        case 1 -> pools.put(name, new int[] {31000 + random.nextInt(5), 31010 + random.nextInt(5)});
        default -> {
          int[] ports = pools.get(name);
          if (ports != null && ports.length > 1) { // loses an endpoint
            pools.put(name, java.util.Arrays.copyOf(ports, ports.length - 1));
          } else {
            pools.put(name, new int[] {31000 + random.nextInt(9)});
          }
        }
      }
      List<Resource> poolResources = new ArrayList<>();
      List<Resource> services = new ArrayList<>();
      pools.forEach(
          (n, ports) -> {
            poolResources.add(pool(n, ports));
            services.add(service(n, 10000 + n.hashCode() % 1000));
          });
      ResourceSet desired = set(poolResources, services);
      push.publish(desired);
      for (Map.Entry<String, Recorder> engine : engines.entrySet()) {
        Map<String, String> state = running.get(engine.getKey());
        List<ResourceVersion> applied = new ArrayList<>();
        for (ResourceUpdate update : engine.getValue().take()) {
          if (update.getFullState()) {
            state.keySet().removeIf(k -> k.startsWith(update.getType() + "/"));
          }
          update
              .getRemovedList()
              .forEach(removed -> state.remove(update.getType() + "/" + removed));
          for (Resource r : update.getResourcesList()) {
            state.put(update.getType() + "/" + r.getName(), r.getVersion());
            applied.add(
                ResourceVersion.newBuilder()
                    .setType(update.getType())
                    .setName(r.getName())
                    .setVersion(r.getVersion())
                    .build());
          }
        }
        for (var delta : engine.getValue().endpointUpdates) {
          String key = POOL + "/" + delta.getPool();
          assertThat(state.get(key)).as("the delta's base").isEqualTo(delta.getBaseVersion());
          state.put(key, delta.getVersion());
          applied.add(
              ResourceVersion.newBuilder()
                  .setType(POOL)
                  .setName(delta.getPool())
                  .setVersion(delta.getVersion())
                  .build());
        }
        engine.getValue().endpointUpdates.clear();
        if (random.nextBoolean()) { // engines acknowledge some changes, at their pace
          push.ack(engine.getKey(), Ack.newBuilder().addAllApplied(applied).build());
        }
        Map<String, String> wanted = new java.util.HashMap<>();
        for (ResourceType type : List.of(POOL, VS)) {
          desired
              .ofType(type)
              .values()
              .forEach(r -> wanted.put(type + "/" + r.getName(), r.getVersion()));
        }
        assertThat(state).as("%s after step %d", engine.getKey(), step).isEqualTo(wanted);
      }
    }
  }
}
